import ArgumentParser
import Foundation
import Graph
import TensorIO

/// How predictions are written.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case csv, npy, npz, json

  /// Whether the format is binary, so never for a terminal.
  var isBinary: Bool { self == .npy || self == .npz }

  /// The format a file name implies, if any.
  init?(path: String) {
    self.init(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
  }

  /// Checks, before any compute, that the format can hold outputs of these names: `.npy`
  /// holds one array, so several outputs need `.npz`.
  func check(outputs names: [String]) throws {
    guard self == .npy, names.count != 1 else { return }
    throw CLIError(
      "the model has \(names.count) outputs (\(names.joined(separator: ", "))) "
        + "and .npy holds one array; use --format npz (or csv/json)", status: .usage)
  }

  /// The bytes of `outputs` in this format (see `check`).
  func encode(_ outputs: [(name: String, tensor: Tensor)]) throws -> Data {
    switch self {
    case .csv: return Data(CSV.write(outputs).utf8)
    case .json: return Data(JSONOutput.write(outputs).utf8)
    case .npz: return try NPZ.write(outputs)
    case .npy:
      try check(outputs: outputs.map(\.name))
      return NPY.write(outputs[0].tensor)
    }
  }
}
