import ArgumentParser
import Foundation
import Graph
import TensorIO

/// How predictions are written.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case csv, npy, npz, json

  /// The format a file name implies, if any.
  init?(path: String) {
    self.init(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
  }

  /// The bytes of `outputs` in this format. `.npy` holds one array, so several outputs need `.npz`.
  func encode(_ outputs: [(name: String, tensor: Tensor)]) throws -> Data {
    switch self {
    case .csv: return Data(CSV.write(outputs).utf8)
    case .json: return Data(JSONOutput.write(outputs).utf8)
    case .npz: return try NPZ.write(outputs)
    case .npy:
      guard outputs.count == 1 else {
        throw CLIError(
          "the model has \(outputs.count) outputs (\(outputs.map(\.name).joined(separator: ", "))) "
            + "and .npy holds one array; use --format npz (or csv/json)")
      }
      return NPY.write(outputs[0].tensor)
    }
  }
}
