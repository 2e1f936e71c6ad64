import Foundation
import Graph
import TensorIO

/// Reads `--input` files whole, for the commands that need every sample at once (`evaluate`,
/// `tune`): `InputRows` read to the end.
enum InputFiles {
  /// Each path against the model's input shapes; `anyShape` takes arrays of any shape
  /// (targets), text rows of any width.
  static func read(_ paths: [String], format: InputFormat?, shapes: [Shape], anyShape: Bool = false) throws -> [Tensor]
  {
    try InputRows(paths, format: format, header: .automatic, shapes: shapes, names: [], anyShape: anyShape).readAll()
  }
}
