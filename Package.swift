// swift-tools-version:6.1
import PackageDescription

/// Every target gets the same settings: Swift 6 language mode (the tools default) with strict
/// concurrency, plus the upcoming features the models in STYLE.md turn on.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// Targets in the `celeriac` binary that see a module importing full Foundation (TOMLKit does):
/// without member import visibility, Foundation's String extensions (`contains`, `range(of:)`,
/// `trimmingCharacters`) leak in through it and link full Foundation, which costs an idle worker
/// 3 MiB resident (issue #6); with it, a file sees only what it imports itself.
let essentialsOnlySwiftSettings: [SwiftSetting] = swiftSettings + [.enableUpcomingFeature("MemberImportVisibility")]

/// The broker's hot path runs on one thread and its classes are never touched concurrently;
/// runtime exclusivity checks cost about a tenth of its CPU under redis-benchmark.
let brokerSwiftSettings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

/// Full Foundation for a release link, for the executables that use it (the benchmarks, the
/// chaos runner, the curses smoke test): the Makefile's release flags stop every object from
/// asking for it, so that `celeriac` links FoundationEssentials alone (issue #6).
let fullFoundation: [LinkerSetting] = ["Foundation", "FoundationInternationalization", "CoreFoundation", "_FoundationICU"]
    .map { .linkedLibrary($0, .when(platforms: [.linux], configuration: .release)) }

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

let package = Package(
    name: "celeriac",
    products: [
        .executable(name: "celeriac", targets: ["celeriac"]),
        .library(name: "CeleriacRESP", targets: ["CeleriacRESP"]),
        .library(name: "CeleriacRedis", targets: ["CeleriacRedis"]),
        .library(name: "CeleriacTestSupport", targets: ["CeleriacTestSupport"]),
        .library(name: "CeleriacProtocol", targets: ["CeleriacProtocol"]),
        // For the libFuzzer targets under Fuzz/ (a separate package sees only products).
        .library(name: "CeleriacBrokerCore", targets: ["CeleriacBrokerCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        // MARK: RESP codec
        .target(
            name: "CeleriacRESP",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CeleriacRESPTests",
            dependencies: [
                "CeleriacRESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Redis client
        .target(
            name: "CeleriacRedis",
            dependencies: ["CeleriacRESP", .product(name: "Logging", package: "swift-log"),
                           .product(name: "DequeModule", package: "swift-collections"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio")] + nio,
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CeleriacRedisTests",
            dependencies: ["CeleriacRedis", "CeleriacTestSupport",
                           .product(name: "NIOEmbedded", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")] + nio,
            swiftSettings: swiftSettings
        ),

        // MARK: Celery protocol (pure values, no I/O)
        .target(
            name: "CeleriacProtocol",
            dependencies: [],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CeleriacProtocolTests",
            dependencies: ["CeleriacProtocol", "CeleriacTestSupport"],
            swiftSettings: swiftSettings
        ),

        // MARK: Broker engine (issue #4)
        .systemLibrary(
            name: "CCeleriacLua",
            // No pkgConfig: its -L/usr/lib/x86_64-linux-gnu would come before the release link's
            // folder of static-archive scripts (Benchmarks/layout/static-c-libraries); the shim
            // includes <lua5.1/lua.h> and the library is on the default path.
            providers: [.apt(["liblua5.1-0-dev"])]
        ),
        .target(
            name: "CeleriacBrokerCore",
            dependencies: [
                "CeleriacRESP", "CCeleriacLua",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: brokerSwiftSettings
        ),
        .testTarget(
            name: "CeleriacBrokerCoreTests",
            dependencies: [
                "CeleriacBrokerCore", "CeleriacRESP", "CeleriacTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Broker server (issue #4, server half)
        .target(
            name: "CeleriacBroker",
            dependencies: [
                "CeleriacBrokerCore", "CeleriacRESP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ] + nio,
            swiftSettings: brokerSwiftSettings
        ),
        .testTarget(
            name: "CeleriacBrokerTests",
            dependencies: [
                "CeleriacBroker", "CeleriacBrokerCore", "CeleriacRESP", "CeleriacRedis", "CeleriacTestSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ] + nio,
            swiftSettings: swiftSettings
        ),

        // MARK: Test support
        .target(
            name: "CeleriacTestSupport",
            // The process spawner is the worker library's (its pools and the demo use it).
            dependencies: ["CeleriacWorker"],
            swiftSettings: swiftSettings
        ),

        // MARK: Console (terminal-independent foundation, ncurses backend, tmux smoke helper)
        .systemLibrary(
            name: "CCeleriacCurses",
            // No pkgConfig, as CCeleriacLua; its flags were -D's that SwiftPM drops anyway.
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        .target(
            name: "CeleriacConsole",
            dependencies: [.product(name: "TOMLKit", package: "TOMLKit"),
                           // The console model (issue #7): Celery's data model and bounded rings.
                           "CeleriacProtocol",
                           .product(name: "DequeModule", package: "swift-collections"),
                           // The live data source (issue #7): events, polls and actions on a cluster.
                           "Celeriac", "CeleriacRedis"],
            swiftSettings: essentialsOnlySwiftSettings
        ),
        .target(
            name: "CeleriacConsoleCurses",
            dependencies: ["CeleriacConsole", "CCeleriacCurses"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "CursesSmoke",
            dependencies: ["CeleriacConsole", "CeleriacConsoleCurses"],
            swiftSettings: swiftSettings,
            linkerSettings: fullFoundation
        ),
        .testTarget(
            name: "CeleriacConsoleTests",
            dependencies: ["CeleriacConsole", "CeleriacConsoleCurses", "CursesSmoke", "CeleriacTestSupport",
                           "CeleriacProtocol", "Celeriac", "CeleriacRedis"],
            // Expected frames and recorded streams, read by path (see ConsoleTestData).
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),

        // MARK: Worker
        .target(
            name: "CeleriacWorker",
            dependencies: [
                "Celeriac", "CeleriacProtocol", "CeleriacRedis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ] + nio,
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CeleriacWorkerTests",
            // The runtime suites run real workers against real servers, Python Celery and the
            // built `celeriac worker` binary.
            dependencies: ["CeleriacWorker", "CeleriacProtocol", "Celeriac", "CeleriacRedis", "CeleriacTestSupport", "celeriac",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // MARK: Client (App, kombu transport, producer, results, events, control)
        // Reaches the Swift runtime's global-enqueue hook (CeleriacRuntime.installEventLoopExecutor).
        .target(name: "CCeleriacExecutorHook"),
        .target(
            name: "Celeriac",
            dependencies: ["CeleriacProtocol", "CeleriacRedis", "CCeleriacExecutorHook",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CeleriacTests",
            dependencies: ["Celeriac", "CeleriacTestSupport"],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables
        .executableTarget(
            name: "celeriac",
            dependencies: [
                "CeleriacRedis", "Celeriac", "CeleriacWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                "CeleriacBroker", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "CeleriacConsole", "CeleriacConsoleCurses",
            ],
            swiftSettings: essentialsOnlySwiftSettings,
            // Release links take libstdc++ from its static archive (the linker script in that
            // folder): 1.2 MiB less resident in an idle worker (issue #6).
            // The same for ncursesw, tinfo and lua (static-c-libraries): 0.35 MiB.
            linkerSettings: [.unsafeFlags(["-L", Context.packageDirectory + "/Benchmarks/layout/static-libstdc++",
                                           "-L", Context.packageDirectory + "/Benchmarks/layout/static-c-libraries"],
                                          .when(platforms: [.linux], configuration: .release))]
        ),
        // The README's worker example, built so it cannot drift from the API.
        .executableTarget(
            name: "celeriac-example-worker",
            dependencies: ["CeleriacWorker"],
            path: "Examples/invoice-worker",
            swiftSettings: swiftSettings
        ),
        // `make bench` (issue #9): every scenario beside its peers, one results file.
        .executableTarget(
            name: "celeriac-bench",
            dependencies: [
                "CeleriacRedis", "CeleriacTestSupport", "Celeriac", "CeleriacConsole", "CeleriacProtocol", "CeleriacWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/celeriac-bench",
            swiftSettings: swiftSettings,
            linkerSettings: fullFoundation
        ),
        // Runs `celeriac-bench all --quick` so that the benchmarks cannot rot.
        .testTarget(
            name: "BenchmarkSmokeTests",
            dependencies: ["celeriac-bench", "celeriac", "CeleriacTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Fault-injection runs (issue #10): `make chaos`, and a short mode in `make test`.
        .executableTarget(
            name: "celeriac-chaos",
            dependencies: [
                "Celeriac", "CeleriacProtocol", "CeleriacRedis", "CeleriacTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Chaos",
            swiftSettings: swiftSettings,
            linkerSettings: fullFoundation
        ),
        .testTarget(
            name: "CeleriacCLITests",
            dependencies: ["celeriac", "celeriac-example-worker", "Celeriac", "CeleriacTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
