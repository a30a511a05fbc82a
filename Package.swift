// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "curate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "curate", targets: ["curate"]),
        .library(name: "CurateCore", targets: ["CurateCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "CScanKernels"),
        .target(
            name: "CurateStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "CurateCore",
            dependencies: [
                "CurateStore",
                "CScanKernels",
                "CZlib",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.embedInCode("MathQA/mathqa_runner.py")],
            plugins: [.plugin(name: "ContentDigestPlugin")]
        ),
        .executableTarget(
            name: "curate",
            dependencies: [
                "CurateCore",
                "CurateStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "content-digest", path: "Plugins/ContentDigestTool"),
        .plugin(name: "ContentDigestPlugin", capability: .buildTool(), dependencies: ["content-digest"]),
        .target(name: "CurateTestSupport", dependencies: ["CurateCore", "CurateStore"], path: "Tests/CurateTestSupport"),
        .testTarget(name: "CurateStoreTests", dependencies: ["CurateStore", "CurateTestSupport"]),
        .testTarget(name: "CurateCoreTests", dependencies: ["CurateCore", "CurateStore", "CurateTestSupport"]),
        .testTarget(name: "CurateCLITests", dependencies: ["CurateCore", "CurateTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
