import Foundation
import Graph
import TensorIO
import XCTest
import _TestSupport

/// `ensemble merge` usage and safety, as a user meets them.
final class MergeCLITests: XCTestCase {
  let a = Fixtures.path("models/k2_member_a.h5")
  let b = Fixtures.path("models/k2_member_b.h5")

  func testUsageErrors() throws {
    let cases: [([String], String)] = [
      (["merge", a, b, "-o", "x.h5"], "give a merge mode"),
      (["merge", "--sum", "--average", a, b], "'--average' had already been set with flag '--sum'"),
      (["merge", "--sum", "--weighted", "0.5", a, b], "give one merge mode, not both --sum and --weighted"),
      (["merge", "--sum", a], "the merge mode needs at least 2 models, got 1"),
      (["merge", "--sum", "--layer", "-1", a], "the merge mode needs at least 2 models, got 1"),
      (["merge", "--weighted", "1,-1", a, b], "weights sum to 0.0 and cannot be normalised; pass --no-normalize"),
      (["merge", "--no-normalize", "--sum", a, b], "--no-normalize goes with --weighted"),
      (["merge", "--weighted", "0.2,0.3", a, b, b], "2 weights for 3 models"),
      (["merge", "--weighted", "abc", a, b], "weights are numbers separated by commas"),
      (["merge", "--sum", "--axis", "1", a, b], "--axis goes with --concat"),
    ]
    for (arguments, message) in cases {
      let result = try runEnsemble(arguments)
      XCTAssertEqual(result.status, 64, "\(arguments)")
      XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }

  /// How `--weighted` reads its values, against the formula on the members' Keras outputs:
  /// one value a for two models is (a, 1 − a), N values are normalised unless --no-normalize.
  func testWeightsAreReadAsDocumented() throws {
    let x = Fixtures.path("expected/k2_member_a.input0.npy")
    let first = try Fixtures.npy("expected/k2_member_a.output0.npy")
    let second = try Fixtures.npy("expected/k2_member_b.output0.npy")
    for (weights, extra, w1, w2) in [
      ("0.1", [String](), Float(0.1), Float(0.9)), ("1,3", [], 0.25, 0.75), ("-1,2", ["--no-normalize"], -1, 2),
    ] {
      let result = try runEnsemble(
        ["predict", "--weighted", weights] + extra + [a, b, "--input", x, "--format", "npy"])
      XCTAssertEqual(result.status, 0, result.stderr)
      let expected = Tensor(shape: first.shape, data: zip(first.data, second.data).map { w1 * $0 + w2 * $1 })
      assertClose(try NPY.read(result.stdout, file: "stdout"), expected, "--weighted \(weights) \(extra)")
    }
  }

  func testNegativeAxisParsesAsAValue() throws {
    let x = Fixtures.path("expected/k2_member_a.input0.npy")
    let result = try runEnsemble(["predict", "--concat", "--axis", "-1", a, b, "--input", x, "--format", "npy"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let first = try Fixtures.npy("expected/k2_member_a.output0.npy")
    XCTAssertEqual(try NPY.read(result.stdout, file: "stdout").shape, [first.shape[0], 2 * first.shape[1]])
  }

  func testNeverOverwritesAnInputOrAnExistingFile() throws {
    let folder = try Fixtures.temporaryDirectory()
    let copy = folder.appendingPathComponent("a.h5").path
    try FileManager.default.copyItem(atPath: a, toPath: copy)
    let before = try Data(contentsOf: URL(fileURLWithPath: copy))
    let onInput = try runEnsemble(["merge", "--sum", copy, b, "-o", copy, "--force"])
    XCTAssertEqual(onInput.status, 73)
    XCTAssertEqual(onInput.stderr, "Error: refusing to write \(copy): it is one of the inputs (\(copy))\n")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: copy)), before)
    let out = folder.appendingPathComponent("m.h5").path
    XCTAssertEqual(try runEnsemble(["merge", "--sum", a, b, "-o", out]).status, 0)
    let again = try runEnsemble(["merge", "--sum", a, b, "-o", out])
    XCTAssertEqual(again.status, 73)
    XCTAssertTrue(again.stderr.contains("already exists; pass --force"), again.stderr)
    XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)), ["a.h5", "m.h5"])
  }

  func testWritesToStdoutInAPipeAndSaysWhatItWrote() throws {
    let piped = try runEnsemble(["merge", "--average", a, b])
    XCTAssertEqual(piped.status, 0, piped.stderr)
    XCTAssertEqual(Array(piped.stdout.prefix(4)), [0x89, 0x48, 0x44, 0x46], "an HDF5 file on stdout")
    let folder = try Fixtures.temporaryDirectory()
    let named = try runEnsemble(["merge", "--average", a, b, "-o", folder.appendingPathComponent("m.h5").path])
    XCTAssertTrue(named.stderr.hasPrefix("wrote "), named.stderr)
  }

  func testPredictDefaultsToAverageAndSaysSoOnce() throws {
    let x = Fixtures.path("expected/k2_member_a.input0.npy")
    let result = try runEnsemble(["predict", a, b, "--input", x])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stderr, "note: 2 models and no merge mode; using --average\n")
  }
}
