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
      ┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━┓
      ┃ Layer (type)    ┃ Output Shape ┃ Param # ┃ FLOPs ┃
      ┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━┩
      │ dense (Dense)   │ (None, 16)   │     112 │   224 │
      ├─────────────────┼──────────────┼─────────┼───────┤
      │ dense_1 (Dense) │ (None, 8)    │     136 │   272 │
      ├─────────────────┼──────────────┼─────────┼───────┤
      │ dense_2 (Dense) │ (None, 3)    │      27 │    66 │
      └─────────────────┴──────────────┴─────────┴───────┘
       Total params: 275 (1.07 KB)
       Trainable params: 275 (1.07 KB)
       Non-trainable params: 0 (0.00 B)
       FLOPs per sample: 562
       Peak activation memory per sample: 120.00 B

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

  func testHelpListsEveryCommandAndTheExitCodes() throws {
    let result = try runEnsemble(["--help"])
    XCTAssertEqual(result.status, 0)
    XCTAssertEqual(
      result.output,
      """
      OVERVIEW: Combine, run and inspect Keras models (.h5, .keras) without Python.

      Data goes to stdout; messages and progress go to stderr.

      Exit codes (as sysexits.h):
        0   success
        1   anything else (an internal error)
        64  bad usage
        65  a model or input that cannot be used (damaged, unsupported, wrong shape)
        66  an input that does not exist or cannot be opened
        73  an output that cannot be created (exists, no folder, one of the inputs)
        74  reading or writing failed (a full disk, a closed or full standard output)

      USAGE: ensemble <subcommand>

      OPTIONS:
        --version               Show the version.
        -h, --help              Show help information.

      SUBCOMMANDS:
        merge                   Merge two or more models into one Keras .h5 file that
                                Keras loads as it is.
        predict                 Run a model, or an ensemble of models, on data and
                                write the predictions.
        summary                 Print a model's layers, output shapes, parameters and
                                FLOPs, as Keras's model.summary(), or draw it.
        verify                  Check a model file: weight shapes against the config,
                                NaN/Inf weights, and its stored test vector.
        check                   Say whether models would run (and merge), listing
                                every problem at once.
        evaluate                Score each model and their ensemble on labelled data
                                (accuracy, log-loss, AUC, MSE, MAE, R²).
        tune                    Learn the ensemble from labelled data: weights,
                                member selection, a soup or a stacking head.

        See 'ensemble help <subcommand>' for detailed help.

      """)
  }

  /// Every command that takes models shares one set of model arguments and MODE flags.
  func testEveryModelCommandTakesTheSameModelArguments() throws {
    for command in ["merge", "predict", "summary"] {
      let result = try runEnsemble([command, "--help"])
      XCTAssertEqual(result.status, 0, command)
      for line in [
        "  --sum                   Merge by element-wise sum of the outputs.\n",
        "  --concat                Merge by concatenating the outputs (along --axis).\n",
        "  --weighted <W[,W…]>     Weighted sum: one value a for two models (a·first +\n",
        "  --axis <axis>           The axis for --concat (default: -1, the last).\n",
        "  --config <arch.json>    Architecture JSON from model.to_json(), for\n",
        "  <models>                Model files (.h5, .keras, or weights-only with\n",
      ] {
        XCTAssertTrue(result.output.contains(line), "\(command) --help lacks \(line)")
      }
    }
  }

  func testCorruptFileIsOneLine() throws {
    let folder = try Fixtures.temporaryDirectory()
    let path = folder.appendingPathComponent("bad.h5").path
    let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("models/k2_mlp.h5")))
    try original.prefix(2000).write(to: URL(fileURLWithPath: path))
    let result = try runEnsemble(["summary", path])
    XCTAssertEqual(result.status, 65)
    XCTAssertEqual(result.stderr, "Error: \(path): /: cannot open: the HDF5 file is damaged or truncated\n")
    XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
  }
}
