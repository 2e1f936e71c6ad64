// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
  name: "ensemble",
  products: [
    .executable(name: "ensemble", targets: ["ensemble"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
  ],
  targets: [
    // MARK: - C shims (declarations only)
    // HDF5 is linked from its static archive: the shared library pulls in libcurl and 35
    // libraries after it (for a network driver ensemble never uses), 6.5 of the 22 ms a run
    // took to start. The paths are Debian's (libhdf5-dev).
    .systemLibrary(name: "CHDF5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CXNNPACK", providers: [.apt(["libxnnpack-dev", "libpthreadpool-dev"])]),
    .systemLibrary(name: "CMalloc"),

    // MARK: - C kernels (compiled with the package)
    .target(name: "CVectorMath"),
    .target(name: "CTextCodec"),

    // MARK: - Library
    .target(
      name: "HDF5", dependencies: ["CHDF5"],
      linkerSettings: [
        .unsafeFlags(["-L/usr/lib/x86_64-linux-gnu/hdf5/serial"]), .linkedLibrary(":libhdf5.a"),
        .linkedLibrary("sz"), .linkedLibrary("z"),
      ]),
    .target(name: "JSON"),
    .target(name: "Graph", dependencies: ["CBLAS", "CXNNPACK", "CVectorMath"]),
    .target(name: "Keras", dependencies: ["HDF5", "JSON", "Graph", "ZIPFoundation"]),
    .target(name: "Merge", dependencies: ["Keras", "Graph"]),
    .target(name: "TensorIO", dependencies: ["Graph", "JSON", "ZIPFoundation", "CTextCodec"]),
    .target(name: "Learn", dependencies: ["Graph"]),

    // MARK: - CLI
    .executableTarget(
      name: "ensemble",
      dependencies: [
        "Keras", "Merge", "TensorIO", "JSON", "Learn", "HDF5", "CMalloc",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests
    .target(name: "_TestSupport", dependencies: ["Graph", "TensorIO"], path: "Tests/_TestSupport"),
    .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "_TestSupport"]),
    .testTarget(name: "JSONTests", dependencies: ["JSON"]),
    .testTarget(name: "GraphTests", dependencies: ["Graph", "_TestSupport"]),
    .testTarget(name: "TensorIOTests", dependencies: ["TensorIO", "_TestSupport"]),
    .testTarget(name: "KerasTests", dependencies: ["Keras", "TensorIO", "_TestSupport"]),
    .testTarget(name: "MergeTests", dependencies: ["Merge", "Keras", "TensorIO", "_TestSupport"]),
    .testTarget(name: "EnsembleCLITests", dependencies: ["Graph", "TensorIO", "_TestSupport"]),
  ],
  swiftLanguageModes: [.v5]
)

// MARK: - Fuzzing (only for `make fuzz`: scripts/fuzz.sh sets ENSEMBLE_FUZZ and builds
// everything with -sanitize=fuzzer,address)
if ProcessInfo.processInfo.environment["ENSEMBLE_FUZZ"] != nil {
  package.targets.append(
    .executableTarget(name: "EnsembleFuzz", dependencies: ["Keras", "TensorIO"], path: "Fuzz/EnsembleFuzz"))
}
