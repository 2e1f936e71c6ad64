import Foundation
import HDF5
import Keras
import XCTest
import _TestSupport

/// Bad models fail before any compute, with a message naming file, layer and the problem.
final class ErrorTests: XCTestCase {
  /// A copy of the k2 MLP fixture with its model_config replaced by `transform(config)`.
  func rewritten(_ transform: (String) -> String) throws -> String {
    let source = try File(reading: Fixtures.path("models/k2_mlp.h5"))
    let config = try XCTUnwrap(try source.root.stringAttribute("model_config"))
    let path = try Fixtures.temporaryDirectory().appendingPathComponent("model.h5").path
    let copy = try File(creatingInMemory: "model.h5")
    try copy.root.writeString("model_config", transform(config))
    try copy.root.writeString("keras_version", "2.21.0")
    let weights = try copy.root.createGroup("model_weights")
    let original = try source.root.group("model_weights")
    let names = try XCTUnwrap(try original.stringsAttribute("layer_names"))
    try weights.writeNameList("layer_names", names)
    for name in names {
      let group = try original.group(name)
      let out = try weights.createGroup(name)
      let weightNames = try group.stringsAttribute("weight_names") ?? []
      try out.writeNameList("weight_names", weightNames)
      for weightName in weightNames {
        let dataset = try group.dataset(weightName)
        try out.writeFloats(weightName, try dataset.readFloats(), shape: dataset.shape)
      }
    }
    try copy.image().write(to: URL(fileURLWithPath: path))
    return path
  }

  func assertError(_ path: String, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try ModelFile.load(path).build(), file: file, line: line) { error in
      let text = "\(error)"
      for part in parts { XCTAssertTrue(text.contains(part), "'\(text)' lacks '\(part)'", file: file, line: line) }
    }
  }

  func testUnknownLayerNamesClassAndLayer() throws {
    let path = try rewritten {
      $0.replacingOccurrences(
        of: "\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_1\"",
        with: "\"class_name\": \"FancyLayer\", \"config\": {\"name\": \"dense_1\"")
    }
    assertError(path, contains: [path, "dense_1", "FancyLayer", "unsupported"])
  }

  func testLambdaIsRefusedWithTheReason() throws {
    let path = try rewritten {
      $0.replacingOccurrences(
        of: "\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_1\"",
        with: "\"class_name\": \"Lambda\", \"config\": {\"name\": \"dense_1\"")
    }
    assertError(path, contains: ["dense_1", "Lambda", "Python bytecode"])
  }

  func testWrongWeightShapeNamesExpectedAndActual() throws {
    let path = try rewritten { $0.replacingOccurrences(of: "\"units\": 8", with: "\"units\": 9") }
    assertError(path, contains: ["dense_1", "kernel", "[16, 8]", "expected [16, 9]"])
  }

  func testNotAnHDF5File() throws {
    let path = try Fixtures.temporaryDirectory().appendingPathComponent("junk.h5").path
    try Data("not a model".utf8).write(to: URL(fileURLWithPath: path))
    assertError(path, contains: [path, "not an HDF5 file"])
  }

  func testMissingFile() {
    assertError("/nonexistent/model.h5", contains: ["/nonexistent/model.h5", "no such file"])
  }
}

/// Configs `make fuzz` found crashing the builder, kept as a corpus.
final class FuzzCorpusTests: XCTestCase {
  func testACallWithoutInputTensorsIsAnError() throws {
    let url = Fixtures.root.appendingPathComponent("Tests/KerasRoundTrip/corpus/call-without-inputs.json")
    let text = try String(contentsOf: url, encoding: .utf8)
    XCTAssertThrowsError(try ModelFile.model(config: text).build()) { error in
      XCTAssertTrue("\(error)".contains("has no input tensors"), "\(error)")
    }
  }
}
