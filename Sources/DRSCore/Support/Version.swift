/// The tool version, written into reports and archives.
public enum DRSReportVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
