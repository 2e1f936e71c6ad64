import Foundation
import Graph
import TensorIO
import XCTest
import _TestSupport

/// `ensemble predict` run as a user would: output on stdout, errors on stderr, exit codes.
final class PredictCLITests: XCTestCase {
  func testPredictsCSVOnStdout() throws {
    let record = try Fixtures.record("k2_mlp")
    let result = try runEnsemble(["predict", Fixtures.path(record.model), "--input", Fixtures.path(record.inputs[0])])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(result.stderr, "")
    let tensor = try DelimitedReader.read(result.output, featureShape: [3])
    assertClose(tensor, try Fixtures.npy(record.outputs[0]), "csv stdout")
  }

  func testWritesNpyAndRefusesToOverwriteWithoutForce() throws {
    let record = try Fixtures.record("k3_normalization")
    let folder = try Fixtures.temporaryDirectory()
    let out = folder.appendingPathComponent("pred.npy").path
    let args = ["predict", Fixtures.path(record.model), "--input", Fixtures.path(record.inputs[0]), "-o", out]
    XCTAssertEqual(try runEnsemble(args).status, 0)
    assertClose(
      try NPY.read(try Data(contentsOf: URL(fileURLWithPath: out))), try Fixtures.npy(record.outputs[0]), "npy file")
    let again = try runEnsemble(args)
    XCTAssertEqual(again.status, 73)
    XCTAssertEqual(again.stderr, "Error: \(out) already exists; pass --force to replace it\n")
    XCTAssertEqual(try runEnsemble(args + ["--force"]).status, 0)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder.path), ["pred.npy"], "no temporary left behind")
  }

  func testSeveralOutputsAreAllWritten() throws {
    let record = try Fixtures.record("k2_merging")
    let inputs = record.inputs.flatMap { ["--input", Fixtures.path($0)] }
    let json = try runEnsemble(["predict", Fixtures.path(record.model)] + inputs + ["--format", "json"])
    XCTAssertEqual(json.status, 0, json.stderr)
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
    XCTAssertEqual(Set(object.keys), ["add", "sub", "mul", "avg", "max", "min", "cat", "add3"])
    let npy = try runEnsemble(["predict", Fixtures.path(record.model)] + inputs + ["--format", "npy"])
    XCTAssertEqual(npy.status, 64)
    XCTAssertTrue(npy.stderr.contains("has 8 arrays"), npy.stderr)
  }

  func testCSVInputWithHeader() throws {
    let record = try Fixtures.record("k2_mlp")
    let input = try Fixtures.npy(record.inputs[0])
    let rows = (0..<input.shape[0]).map { row in
      input.data[(row * 6)..<((row + 1) * 6)].map { "\($0)" }.joined(separator: ",")
    }
    let path = try Fixtures.temporaryDirectory().appendingPathComponent("x.csv")
    try ("a,b,c,d,e,f\n" + rows.joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)
    let result = try runEnsemble(["predict", Fixtures.path(record.model), "--input", path.path, "--format", "npy"])
    XCTAssertEqual(result.status, 0, result.stderr)
    assertClose(try NPY.read(result.stdout), try Fixtures.npy(record.outputs[0]), "csv input")
  }

  func testModelFromStandardInput() throws {
    let record = try Fixtures.record("k2_embedding")
    let model = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(record.model)))
    let result = try runEnsemble(["predict", "-", "--input", Fixtures.path(record.inputs[0])], stdin: model)
    XCTAssertEqual(result.status, 0, result.stderr)
    assertClose(
      try DelimitedReader.read(result.output, featureShape: [2]), try Fixtures.npy(record.outputs[0]), "stdin model")
  }

  func testBadInputsGetOneLineErrors() throws {
    let model = Fixtures.path("models/k2_mlp.h5")
    let wrongShape = try runEnsemble(["predict", model, "--input", Fixtures.path("expected/k2_embedding.input0.npy")])
    XCTAssertEqual(wrongShape.status, 65)
    XCTAssertEqual(
      wrongShape.stderr,
      "Error: \(Fixtures.path("expected/k2_embedding.input0.npy")): array shape [16, 7] does not fit the model input (None, 6)\n"
    )
    let missing = try runEnsemble(["predict", "/no/such.h5", "--input", "x.npy"])
    XCTAssertEqual(missing.status, 66)
    XCTAssertEqual(missing.stderr, "Error: /no/such.h5: no such file\n")
    let folder = try Fixtures.temporaryDirectory()
    let parquet = folder.appendingPathComponent("out.parquet").path
    let unknown = try runEnsemble([
      "predict", model, "--input", Fixtures.path("expected/k2_mlp.input0.npy"), "-o", parquet,
    ])
    XCTAssertEqual(unknown.status, 64)
    XCTAssertTrue(unknown.stderr.contains(".parquet is not a format ensemble writes"), unknown.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: parquet))
    let usage = try runEnsemble(["predict", model])
    XCTAssertEqual(usage.status, 64)
    XCTAssertTrue(usage.stderr.contains("give at least one --input file"), usage.stderr)
  }
}
