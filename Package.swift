// swift-tools-version: 6.0
import PackageDescription

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
            dependencies: ["CXlsxWriter"]
        ),
        // One system call Foundation does not offer: renameat2(RENAME_EXCHANGE), for swapping a
        // finished output folder into place atomically.
        .target(name: "CSystemShims"),
        // Reads templates/ at build time so the binary works from any directory.
        .executableTarget(name: "embed-templates"),
        .plugin(
            name: "EmbedTemplates",
            capability: .buildTool(),
            dependencies: ["embed-templates"]
        ),
        .target(
            name: "DRSReport",
            dependencies: [
                "XLSXWriter",
                "CSystemShims",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            plugins: ["EmbedTemplates"]
        ),
        // A DRS-compatible HTTP server for tests and demos.
        .target(
            name: "DRSEmulator",
            dependencies: [
                "DRSReport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "drs-emulator",
            dependencies: [
                "DRSEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "drs-report",
            dependencies: [
                "DRSReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "XLSXWriterTests",
            dependencies: [
                "XLSXWriter",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "DRSReportTests",
            dependencies: [
                "DRSReport",
                "DRSEmulator",
                "drs-report",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Golden", "Fixtures", "CLICases"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
