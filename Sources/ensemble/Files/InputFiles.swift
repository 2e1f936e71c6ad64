import Foundation
import Graph
import TensorIO

/// Reads `--input` files (.npy or .csv) against the model's input shapes.
enum InputFiles {
  /// Each path in `format`, or in the format its name implies; `anyShape` takes arrays of any
  /// shape (targets), CSV rows of any width.
  static func read(_ paths: [String], format: InputFormat?, shapes: [Shape], anyShape: Bool = false) throws -> [Tensor]
  {
    guard paths.count == shapes.count else {
      throw CLIError(
        "the model takes \(shapes.count) input\(shapes.count == 1 ? "" : "s") "
          + "(\(shapes.map(\.description).joined(separator: ", "))), got \(paths.count) --input", status: .usage)
    }
    return try zip(paths, shapes).map { path, shape in
      let data = try InputBytes.read(path, what: "an input file (.npy or .csv)")
      let features = shape.features
      if (format ?? InputFormat(path: path)) == .csv {
        if anyShape { return try CSV.read(String(decoding: data, as: UTF8.self), file: path) }
        guard features.allSatisfy({ $0 != nil }) else {
          throw CLIError("\(path): the input \(shape) has unknown dimensions; give it as .npy", status: .dataError)
        }
        return try CSV.read(String(decoding: data, as: UTF8.self), featureShape: features.map { $0 ?? 0 }, file: path)
      }
      var tensor = try NPY.read(data, file: path)
      if anyShape { return tensor }
      if tensor.shape.count == shape.rank - 1, tensor.shape.elementsEqual(features, by: { $0 == $1 || $1 == nil }) {
        tensor.shape = [1] + tensor.shape
      }
      guard tensor.shape.count == shape.rank,
        zip(tensor.shape.dropFirst(), features).allSatisfy({ $1 == nil || $0 == $1 })
      else {
        throw CLIError("\(path): array shape \(tensor.shape) does not fit the model input \(shape)", status: .dataError)
      }
      return tensor
    }
  }
}
