// swift-tools-version: 6.0
import PackageDescription

/// CI builds the project's own targets with warnings as errors (`DRS_REPORT_STRICT=1`, set by
/// .ci/run); dependencies keep their warnings. Local builds are not held up by a new warning of a
/// newer toolchain.
let strict: [SwiftSetting] =
    Context.environment["DRS_REPORT_STRICT"] == "1" ? [.unsafeFlags(["-warnings-as-errors"])] : []

let package = Package(
    name: "drs-report",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DRSReport", targets: ["DRSReport"]),
        .executable(name: "drs-report", targets: ["drs-report"]),
        .executable(name: "drs-emulator", targets: ["drs-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
    ],
    targets: [
        // libxlsxwriter, found through pkg-config; only XLSXWriter imports it.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        .target(
            name: "XLSXWriter",
            dependencies: ["CXlsxWriter"],
            swiftSettings: strict
        ),
        // One system call Foundation does not offer: renameat2(RENAME_EXCHANGE), for swapping a
        // finished output folder into place atomically.
        .target(name: "CSystemShims"),
        // Reads templates/ at build time so the binary works from any directory.
        .executableTarget(name: "embed-templates", swiftSettings: strict),
        .plugin(
            name: "EmbedTemplates",
            capability: .buildTool(),
            dependencies: ["embed-templates"]
        ),
        // One JSON stack for the library, the client and the emulator: an ordered value with exact
        // numbers, a parser whose errors carry line and column, paths, a writer and a byte scanner.
        .target(name: "DRSJSON", swiftSettings: strict),
        // DRS's own names: body keys, task and export status words, v3 integer codes.
        .target(name: "DRSWire", swiftSettings: strict),
        // The report model and the ledger rules (Model), with errors, labels and helpers beneath
        // them (Support): the layer everything else stands on; it imports nothing of the project
        // above DRSJSON and DRSWire.
        .target(
            name: "DRSCore",
            dependencies: [
                "DRSJSON",
                "DRSWire",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The DRS API client: credentials, the AK/SK signer, transport with retries, fetch and
        // compare-task runs. It writes archives (DRSCore's manifest) and knows nothing of reports.
        .target(
            name: "DRSClient",
            dependencies: [
                "DRSCore",
                "DRSJSON",
                "DRSWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // Ingest: inputs and archives found, responses read (two prefetch threads), facts folded
        // into the ledger, and every inconsistent row spooled once for the writers.
        .target(
            name: "DRSIngest",
            dependencies: [
                "DRSCore",
                "DRSJSON",
                "DRSWire",
                "XLSXWriter",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Output: one writer per format (HTML, Markdown, CSV, XLSX, JSON, recheck SQL), templates
        // (embedded at build time), evidence, the renderer and the atomic swap of the output folder.
        .target(
            name: "DRSOutput",
            dependencies: [
                "DRSCore",
                "DRSIngest",
                "DRSJSON",
                "XLSXWriter",
                "CSystemShims",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedTemplates"]
        ),
        // `drs-report diff`: two runs' report.json files read a row at a time, matched, and written.
        .target(
            name: "DRSCompare",
            dependencies: [
                "DRSCore",
                "DRSIngest",
                "DRSJSON",
                "DRSOutput",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The library's top: batch, shards, trends, expiry and verify (Batch), over every layer
        // below, which it re-exports for library users.
        .target(
            name: "DRSReport",
            dependencies: [
                "DRSClient",
                "DRSCompare",
                "DRSCore",
                "DRSIngest",
                "DRSJSON",
                "DRSOutput",
                "DRSWire",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // A DRS-compatible HTTP server for tests and demos.
        .target(
            name: "DRSEmulator",
            dependencies: [
                "DRSJSON",
                "DRSReport",
                "DRSWire",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "drs-emulator",
            dependencies: [
                "DRSEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "drs-report",
            dependencies: [
                "DRSReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Helpers both test targets share (temporary folders, zip entries, a seeded generator).
        .target(
            name: "TestSupport",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "XLSXWriterTests",
            dependencies: [
                "TestSupport",
                "XLSXWriter",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DRSReportTests",
            dependencies: [
                "DRSJSON",
                "DRSReport",
                "DRSWire",
                "DRSEmulator",
                "TestSupport",
                "drs-report",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Golden", "Fixtures", "CLICases"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
