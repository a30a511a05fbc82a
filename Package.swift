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
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "CScanKernels"),
        .target(
            name: "CurateStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(name: "CurateSupport"),
        .target(
            name: "CurateSandbox",
            dependencies: ["CurateSupport"],
            resources: [.embedInCode("WorkerDriver.py"), .embedInCode("SandboxLauncher.py")],
            plugins: [.plugin(name: "ContentDigestPlugin")]
        ),
        .target(
            name: "CurateCore",
            dependencies: [
                "CurateStore",
                "CurateSupport",
                "CurateSandbox",
                "CScanKernels",
                "CZlib",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.embedInCode("MathQA/mathqa_runner.py"), .embedInCode("Mutation/mutant_generator.py")],
            plugins: [.plugin(name: "ContentDigestPlugin")]
        ),
        .target(name: "CurateBenchmarks", dependencies: ["CurateCore"]),
        .target(
            name: "CurateWeb",
            dependencies: ["CurateCore", .product(name: "Hummingbird", package: "hummingbird")],
            resources: [.embedInCode("Assets")]
        ),
        .executableTarget(
            name: "curate",
            dependencies: [
                "CurateCore",
                "CurateBenchmarks",
                "CurateStore",
                "CurateWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "content-digest", path: "Plugins/ContentDigestTool"),
        .plugin(name: "ContentDigestPlugin", capability: .buildTool(), dependencies: ["content-digest"]),
        .target(
            name: "CurateTestSupport", dependencies: ["CurateCore", "CurateStore", "CurateSupport"],
            path: "Tests/CurateTestSupport"),
        .testTarget(name: "CurateStoreTests", dependencies: ["CurateStore", "CurateTestSupport"]),
        .testTarget(name: "CurateCoreTests", dependencies: ["CurateCore", "CurateStore", "CurateTestSupport"]),
        .testTarget(name: "CurateSandboxTests", dependencies: ["CurateSandbox"]),
        .testTarget(name: "CurateCLITests", dependencies: ["CurateCore", "CurateTestSupport"]),
        .testTarget(
            name: "CurateWebTests", dependencies: ["CurateWeb", "CurateCore", "CurateTestSupport"], exclude: ["Browser"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
