import Foundation
import Keras
import TensorIO

/// The fuzz target: the bytes as each reader of untrusted input would get them. Which
/// readers run is chosen by `ENSEMBLE_FUZZ_TARGET` (`config`, `inputs` or `h5`; see
/// scripts/fuzz.sh). Errors are the expected answer; only a crash or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
  switch ProcessInfo.processInfo.environment["ENSEMBLE_FUZZ_TARGET"] ?? "config" {
  case "inputs":
    _ = try? NPY.read(bytes, file: "fuzz.npy")
    _ = try? DelimitedReader.read(String(decoding: bytes, as: UTF8.self), featureShape: [2, 3], file: "fuzz.csv")
  case "h5":
    _ = try? ModelFile.load(bytes: bytes, name: "fuzz.h5").build()
  default:
    _ = try? ModelFile.model(config: String(decoding: bytes, as: UTF8.self)).build()
  }
  return 0
}

/// libFuzzer's driver; SwiftPM gives every executable its own `main`, which hands over to it.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
  _ argc: UnsafeMutablePointer<Int32>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@main
enum EnsembleFuzz {
  static func main() {
    var argc = CommandLine.argc
    var argv = Optional(CommandLine.unsafeArgv)
    exit(runDriver(&argc, &argv, fuzzOneInput))
  }
}
