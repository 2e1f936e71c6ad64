import Foundation
import Graph
import TensorIO

/// Paths to the committed fixtures and the records of `fixtures/manifest_k*.json`, which
/// `fixtures/generate.py` wrote with real Keras.
public enum Fixtures {
  public static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  public static func path(_ relative: String) -> String {
    root.appendingPathComponent("fixtures").appendingPathComponent(relative).path
  }

  public struct Record: Decodable {
    public let name: String
    public let model: String
    public let inputs: [String]
    public let outputs: [String]
    public let total_params: Int
    public let trainable_params: Int
    public let non_trainable_params: Int
    /// The architecture JSON of a weights-only fixture.
    public let config: String?

    /// Loads the fixture's model the way `ensemble` does.
    public var modelPath: String { Fixtures.path(model) }
    public var configText: String? {
      config.flatMap { try? String(contentsOfFile: Fixtures.path($0), encoding: .utf8) }
    }
  }

  /// Every fixture, Keras 2 and Keras 3.
  public static func records() throws -> [Record] {
    try ["manifest_k2.json", "manifest_k3.json"].flatMap { name -> [Record] in
      let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
      return try JSONDecoder().decode([Record].self, from: data)
    }
  }

  public static func record(_ name: String) throws -> Record {
    guard let record = try records().first(where: { $0.name == name }) else {
      throw NSError(domain: "Fixtures", code: 1, userInfo: [NSLocalizedDescriptionKey: "no fixture \(name)"])
    }
    return record
  }

  public static func npy(_ relative: String) throws -> Tensor {
    try NPY.read(try Data(contentsOf: URL(fileURLWithPath: path(relative))), file: relative)
  }

  /// The built `ensemble` binary (Makefile's `test` builds it first).
  public static var binary: URL { Bundle.main.bundleURL.appendingPathComponent("ensemble") }

  /// A new empty folder inside this test process's own scratch folder, which is removed when
  /// the process exits, so a test run leaves nothing behind in the temporary directory.
  public static func temporaryDirectory() throws -> URL {
    let url = scratch.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  private static let scratch: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-test-\(getpid())")
    atexit { try? FileManager.default.removeItem(at: Fixtures.scratch) }
    return url
  }()
}
