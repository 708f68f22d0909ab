/// `import DRSReport` also brings the report model (DRSCore), ingest (DRSIngest) and the API client (DRSClient): a
/// library user reads the `Report` that `Ingestor` and `Renderer` return, or fetches an archive,
/// without importing further modules.
@_exported import DRSClient
@_exported import DRSCore
@_exported import DRSIngest
