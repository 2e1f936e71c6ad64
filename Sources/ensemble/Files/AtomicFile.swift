import Foundation
import Keras

/// Writes a file through a temporary file in the same folder and a rename, so a reader never
/// sees half a file and a failed write leaves nothing behind.
enum AtomicFile {
  /// Runs `write` on a temporary path beside `path`, then renames it into place. An existing
  /// file is replaced only when `force`; a path that is one of `inputs` is always refused.
  static func write(to path: String, force: Bool, inputs: [String], _ write: (String) throws -> Void) throws {
    let target = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
    for input in inputs where input != "-" {
      if URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath() == target {
        throw CLIError("refusing to write \(path): it is one of the inputs")
      }
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
      if isDirectory.boolValue { throw CLIError("\(path) is a directory") }
      if !force { throw CLIError("\(path) already exists; pass --force to replace it") }
    }
    let folder = target.deletingLastPathComponent()
    guard FileManager.default.fileExists(atPath: folder.path) else {
      throw CLIError("cannot write \(path): folder \(folder.path) does not exist")
    }
    let temporary = folder.appendingPathComponent(
      ".\(target.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
      try write(temporary.path)
      guard rename(temporary.path, target.path) == 0 else {
        throw CLIError("cannot rename into \(path): \(String(cString: strerror(errno)))")
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      if let error = error as? CLIError { throw error }
      throw CLIError("cannot write \(path): \(error)")
    }
  }

  /// Writes `data` the same way.
  static func write(_ data: Data, to path: String, force: Bool, inputs: [String]) throws {
    try write(to: path, force: force, inputs: inputs) { try data.write(to: URL(fileURLWithPath: $0)) }
  }

  /// Produces a file with `write` in a private temporary folder and returns its bytes (for stdout).
  static func bytes(_ write: (String) throws -> Void) throws -> Data {
    try TemporaryFolder.with { folder in
      let path = folder.appendingPathComponent("out").path
      try write(path)
      return try Data(contentsOf: URL(fileURLWithPath: path))
    }
  }
}
