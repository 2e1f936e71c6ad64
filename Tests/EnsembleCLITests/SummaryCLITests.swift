import Foundation
import XCTest
import _TestSupport

/// `ensemble summary` and `--help`: output is an interface, checked word for word.
final class SummaryCLITests: XCTestCase {
  func testSequentialSummaryTable() throws {
    let result = try runEnsemble(["summary", Fixtures.path("models/k3_mlp.h5")])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(
      result.output,
      """
      Model: "sequential"
      ┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━┓
      ┃ Layer (type)    ┃ Output Shape ┃ Param # ┃
      ┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━┩
      │ dense (Dense)   │ (None, 16)   │     112 │
      ├─────────────────┼──────────────┼─────────┤
      │ dense_1 (Dense) │ (None, 8)    │     136 │
      ├─────────────────┼──────────────┼─────────┤
      │ dense_2 (Dense) │ (None, 3)    │      27 │
      └─────────────────┴──────────────┴─────────┘
       Total params: 275 (1.07 KB)
       Trainable params: 275 (1.07 KB)
       Non-trainable params: 0 (0.00 B)

      """)
  }

  func testFunctionalSummaryHasConnections() throws {
    let result = try runEnsemble(["summary", Fixtures.path("models/k2_merging.h5")])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.output.contains("┃ Connected to"), result.output)
    XCTAssertTrue(result.output.contains("│ da[0][0],"), result.output)
  }

  func testJSONSummaryForScripts() throws {
    let record = try Fixtures.record("k2_normalization")
    let result = try runEnsemble(["summary", "--json", Fixtures.path(record.model)])
    XCTAssertEqual(result.status, 0, result.stderr)
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    XCTAssertEqual(object["total_params"] as? Int, record.total_params)
    XCTAssertEqual(object["non_trainable_params"] as? Int, record.non_trainable_params)
    XCTAssertEqual(object["keras_version"] as? String, "2.21.0")
    XCTAssertEqual((object["layers"] as? [Any])?.count, 11, "x, dense, 5 BatchNorm, 2 LayerNorm, frozen, rescaling")
  }

  func testHelpListsTheCommands() throws {
    let result = try runEnsemble(["--help"])
    XCTAssertEqual(result.status, 0)
    for command in ["summary", "predict"] { XCTAssertTrue(result.output.contains("  \(command) "), result.output) }
    XCTAssertTrue(
      result.output.contains("  1   a model, input or output could not be used\n  64  bad usage\n"), result.output)
  }

  func testCorruptFileIsOneLine() throws {
    let folder = try Fixtures.temporaryDirectory()
    let path = folder.appendingPathComponent("bad.h5").path
    let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("models/k2_mlp.h5")))
    try original.prefix(2000).write(to: URL(fileURLWithPath: path))
    let result = try runEnsemble(["summary", path])
    XCTAssertEqual(result.status, 1)
    XCTAssertEqual(result.stderr, "Error: \(path): /: cannot open: the HDF5 file is damaged or truncated\n")
    XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
  }
}
