import Foundation

/// A private folder for files HDF5 needs on disk (a model from stdin, the weights inside a
/// `.keras` zip, a file bound for stdout), removed when `body` returns or throws.
public enum TemporaryFolder {
  public static func with<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
  }
}
