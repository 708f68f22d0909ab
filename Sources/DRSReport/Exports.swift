/// `import DRSReport` brings the whole library: the report model (DRSCore), ingest (DRSIngest),
/// the writers and the renderer (DRSOutput), run diffs (DRSCompare) and the API client
/// (DRSClient), so a library user reads the `Report` that `Ingestor` and `Renderer` return, or
/// fetches an archive, with one import.
@_exported import DRSClient
@_exported import DRSCompare
@_exported import DRSCore
@_exported import DRSIngest
@_exported import DRSOutput
