import Foundation
import Keras

/// Where models come from: a path, or `-` for standard input (so that
/// `ensemble merge … | ensemble predict - …` works).
enum ModelSource {
  static func load(_ path: String, architecture: String? = nil) throws -> KerasModel {
    guard path == "-" else { return try ModelFile.load(path, architecture: architecture) }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    guard !data.isEmpty else { throw CLIError("standard input is empty; expected a model file after '-'") }
    do {
      return try TemporaryFolder.with { folder in
        let temporary = folder.appendingPathComponent("stdin.h5")
        try data.write(to: temporary)
        return try ModelFile.load(temporary.path, architecture: architecture)
      }
    } catch let error as KerasError {
      var named = error
      named.file = "<stdin>"
      throw named
    }
  }
}
