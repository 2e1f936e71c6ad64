import Foundation
import Keras

/// Where models come from: a path, or `-` for standard input (so that
/// `ensemble merge … | ensemble predict - …` works).
enum ModelSource {
  static func load(_ path: String) throws -> KerasModel {
    guard path == "-" else { return try ModelFile.load(path) }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    guard !data.isEmpty else { throw CLIError("standard input is empty; expected a model file after '-'") }
    let temporary = FileManager.default.temporaryDirectory
      .appendingPathComponent("ensemble-stdin-\(ProcessInfo.processInfo.processIdentifier).h5")
    try data.write(to: temporary)
    defer { try? FileManager.default.removeItem(at: temporary) }
    do {
      return try ModelFile.load(temporary.path)
    } catch let error as KerasError {
      var named = error
      named.file = "<stdin>"
      throw named
    }
  }
}
