import DRSCore
import DRSJSON
import DRSWire
import Foundation

/// Every DRS response body drs-report understands, detected from its shape.
public enum ResponseKind: String, Sendable, CaseIterable {
    /// `GET /v5/{project_id}/jobs/{job_id}?type=compare…` → `{"job": {"compare_result": …}}`.
    case v5JobDetail = "v5.job-detail"
    /// `GET /v5/{project_id}/jobs/{job_id}/compare-progress/{compare_task_id}`.
    case v5CompareProgress = "v5.compare-progress"
    /// `GET /v5/{project_id}/jobs/{job_id}/progress-data/{type}`.
    case v5ProgressData = "v5.progress-data"
    /// `GET /v3/…/object/compare`.
    case v3ObjectOverview = "v3.object-compare-overview"
    /// `GET /v3/…/object/compare/{type}`.
    case v3ObjectDetail = "v3.object-compare-detail"
    /// `GET /v3/…/table/compare`.
    case v3CompareJobs = "v3.table-compare-jobs"
    /// `GET /v3/…/compare/{id}/line-overview`.
    case v3LineOverview = "v3.line-overview"
    /// `GET /v3/…/compare/{id}/line-detail`.
    case v3LineDetail = "v3.line-detail"
    /// `GET /v3/…/compare/{id}/content-overview`.
    case v3ContentOverview = "v3.content-overview"
    /// `GET /v3/…/compare/{id}/content-detail`.
    case v3ContentDetail = "v3.content-detail"
    /// `GET /v3/…/compare/{id}/content-difference`.
    case v3ContentDifference = "v3.content-difference"
    /// `POST /v3/{project_id}/jobs/query-compare-result`.
    case v3CompareResult = "v3.query-compare-result"
    /// `POST /v3/{project_id}/jobs/create-compare-task`.
    case v3CreateCompareTask = "v3.create-compare-task"
    /// A DRS or API-gateway error body.
    case errorBody = "error"
    /// `{}`: a valid response that holds nothing (compare-progress with no running task, the 202
    /// of creating an object-level comparison).
    case empty

    /// Detects the kind of a body from its members; the request path breaks ties.
    package static func detect(_ root: JSONValue, request: RequestContext?) -> ResponseKind? {
        guard let members = root.objectValue else { return nil }
        func has(_ key: String) -> Bool { members[key] != nil }
        if members.isEmpty { return .empty }
        if has(Wire.Key.job) { return .v5JobDetail }
        if has(Wire.Key.fullInfo) || has(Wire.Key.increInfo) || has(Wire.Key.globalInfo) { return .v5CompareProgress }
        if has(Wire.Key.flowCompareData) { return .v5ProgressData }
        if has(Wire.Key.objectLevelCompareResults) || has(Wire.Key.lineCompareResults)
            || has(Wire.Key.contentCompareResults)
            || has(Wire.Key.compareTaskListResults)
        {
            return .v3CompareResult
        }
        if has(Wire.Key.objectLevelCompareCreateResult) || has(Wire.Key.dataLevelCompareCreateResult) {
            return .v3CreateCompareTask
        }
        if has(Wire.Key.compareDetail) { return .v3ObjectDetail }
        if has(Wire.Key.compareResult),
            has(Wire.Key.compareJobId) || has(Wire.Key.exportStatus) || has(Wire.Key.reportRemainSeconds)
                || members[Wire.Key.compareResult].map({ if case .array = $0 { return true } else { return false } })
                    == true
        {
            return .v3ObjectOverview
        }
        if has(Wire.Key.compareJobs) { return .v3CompareJobs }
        if has(Wire.Key.dataCompareOverviewInfos) { return .v3LineOverview }
        if has(Wire.Key.tableLineCompareResultInfos) { return .v3LineDetail }
        if has(Wire.Key.contentsInfos) || has(Wire.Key.sourceTargetMetaNotNull) { return .v3ContentDifference }
        if let infos = members[Wire.Key.contentCompareResultInfos] {
            // Overview and detail share a key; tell them apart by path, then by item shape.
            if let path = request?.path {
                if path.hasSuffix("/content-overview") { return .v3ContentOverview }
                if path.hasSuffix("/content-detail") { return .v3ContentDetail }
            }
            if case .array(let items) = infos, let first = items.first {
                return first[Wire.Key.sourceTableName] != nil || first[Wire.Key.targetTableName] != nil
                    ? .v3ContentDetail : .v3ContentOverview
            }
            return .v3ContentOverview
        }
        if has(Wire.Key.errorCode) || has("errorCode") || has(Wire.Key.errorMsg) { return .errorBody }
        if let path = request?.path, path.hasSuffix("/create-compare-task"), has(Wire.Key.jobId) {
            return .v3CreateCompareTask
        }
        return nil
    }
}
