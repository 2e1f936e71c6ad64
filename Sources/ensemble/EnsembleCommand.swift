import ArgumentParser
import Foundation
import Graph
import HDF5
import Keras
import Merge
import TensorIO

/// `ensemble`: combine Keras models without writing Python.
@main
struct EnsembleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ensemble",
    abstract: "Combine, run and inspect Keras models (.h5, .keras) without Python.",
    discussion: """
      Data goes to stdout; messages and progress go to stderr.

      Exit codes (as sysexits.h):
        0   success
        1   anything else (an internal error)
        64  bad usage
        65  a model or input that cannot be used (damaged, unsupported, wrong shape)
        66  an input that does not exist or cannot be opened
        73  an output that cannot be created (exists, no folder, one of the inputs)
        74  reading or writing failed (a full disk, a closed or full standard output)
      """,
    version: "0.1.0",
    subcommands: [Merge.self, Predict.self, Summary.self, Verify.self, Check.self, Evaluate.self, Tune.self])

  /// Parses, runs, and maps every failure to one line on stderr and its exit status. Signal
  /// handlers are installed first, so that no interruption leaves a temporary file behind.
  static func main() {
    StandardDescriptors.secure()
    Cleanup.install()
    MatMul.runOnOneThread()
    HeapPolicy.keepFreedMemory()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      guard let status = status(of: error) else { exit(withError: error) }
      note("Error: " + ((error as? MergeError)?.message(naming: MergeModeOptions.spelling) ?? "\(error)"))
      Foundation.exit(status.rawValue)
    }
  }

  /// The exit status of a failure of ours; nil for the parser's own (usage, help, version).
  static func status(of error: Error) -> ExitStatus? {
    switch error {
    case let error as CLIError: return error.status
    case is KerasError, is HDF5Error, is TensorIOError, is GraphError, is MergeError: return .dataError
    default: return nil
    }
  }
}
