/// `import DRSReport` also brings the report model (DRSCore): a library user reads the `Report`
/// that `Ingestor` and `Renderer` return without importing a second module.
@_exported import DRSCore
