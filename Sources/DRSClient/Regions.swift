import DRSCore
import Foundation

/// DRS endpoints by region, from the official SDK's region table (docs: ../shared/reference/sdk).
public enum DRSRegions {
    /// Regions whose endpoint is not `https://drs.<region>.myhuaweicloud.com`.
    package static let exceptions: [String: String] = [
        "eu-west-101": "https://drs.eu-west-101.myhuaweicloud.eu"
    ]

    /// Regions the SDK lists.
    public static let known: [String] = [
        "eu-west-101", "cn-north-4", "cn-north-1", "cn-south-1", "cn-east-3", "cn-east-2", "cn-north-2",
        "ap-southeast-3",
        "ap-southeast-1", "ap-southeast-2", "sa-brazil-1", "la-south-2", "la-north-2", "na-mexico-1", "af-south-1",
        "cn-north-9",
        "cn-southwest-2", "cn-south-2", "cn-south-4", "tr-west-1", "ap-southeast-4", "eu-west-0", "ru-moscow-1",
        "ae-ad-1",
        "my-kualalumpur-1", "ru-northwest-2", "ap-southeast-5", "cn-east-5", "cn-north-12", "cn-east-4",
        "cn-southwest-3",
        "cn-north-11", "af-north-1", "me-east-1",
    ]

    /// The endpoint of a region; like the SDK, `HUAWEICLOUD_SDK_REGION_DRS_<REGION>` overrides it.
    public static func endpoint(for region: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DRSReportError) -> String
    {
        let key = "HUAWEICLOUD_SDK_REGION_DRS_" + region.uppercased().replacingOccurrences(of: "-", with: "_")
        if let override = environment[key]?.split(separator: ",").first.map(String.init), !override.isEmpty {
            return override
        }
        if let exception = exceptions[region] { return exception }
        guard known.contains(region) else {
            throw .invalidOption(
                name: OptionName.region.ref, value: region,
                expected: "a DRS region such as cn-north-4 (or pass \(OptionName.endpoint.ref) URL)")
        }
        return "https://drs.\(region).myhuaweicloud.com"
    }
}
