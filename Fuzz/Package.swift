// swift-tools-version:6.1
// libFuzzer targets. Built only with the fuzzer sanitizer (scripts/fuzz.sh), never by `swift build`
// in the main package: a libFuzzer target has no `main` of its own.
import PackageDescription

let package = Package(
    name: "celeriac-fuzz",
    dependencies: [
        .package(name: "celeriac", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // libFuzzer's driver, started the same way by every target.
        .target(name: "FuzzDriver"),
        .executableTarget(
            name: "fuzz-resp",
            dependencies: [
                "FuzzDriver",
                .product(name: "CeleriacRESP", package: "celeriac"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "fuzz-broker",
            dependencies: [
                "FuzzDriver",
                .product(name: "CeleriacBrokerCore", package: "celeriac"),
                .product(name: "CeleriacRESP", package: "celeriac"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "fuzz-protocol",
            dependencies: ["FuzzDriver", .product(name: "CeleriacProtocol", package: "celeriac")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
