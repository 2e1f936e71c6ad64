import Foundation
import Keras

/// Where models come from: a path, or `-` for standard input (so that
/// `ensemble merge … | ensemble predict - …` works); a pipe or FIFO is read into memory.
enum ModelSource {
  static func load(_ path: String, architecture: String? = nil) throws -> KerasModel {
    let name = path == "-" ? "<stdin>" : path
    Cleanup.reading(name)
    defer { Cleanup.reading(nil) }
    let what = "a model file (.h5 or .keras; a TensorFlow SavedModel folder cannot be read)"
    switch try InputBytes.kind(path, what: what) {
    case .regular:
      return try ModelFile.load(path, architecture: architecture)
    case .stream:
      let data = try InputBytes.read(path, what: what)
      guard !data.isEmpty else {
        throw CLIError("\(name) is empty; expected a model file", status: .noInput)
      }
      return try ModelFile.load(bytes: data, name: name, architecture: architecture)
    }
  }
}
