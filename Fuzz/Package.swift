// swift-tools-version:5.4
// libFuzzer harness for the HTTP codec. Tools version 5.4 on purpose: from 5.5
// on, SwiftPM renames an executable's entry point and the -sanitize=fuzzer link
// fails (see ../shared/TOOLCHAIN.md). Sources/HTTP is a symlink to the real
// module, so the fuzzer always exercises the code that ships. Build and run with
// ./run.sh.
import PackageDescription

let package = Package(
    name: "Fuzz",
    targets: [
        .target(name: "HTTP", path: "Sources/HTTP"),
        .executableTarget(name: "FuzzHTTP", dependencies: ["HTTP"], path: "Sources/FuzzHTTP"),
    ]
)
