import Graph
import Keras
import XCTest
import _TestSupport

/// Every fixture model, Keras 2 and Keras 3, predicts what Keras predicted for it (1e-4), and
/// its summary totals are Keras's.
final class FixtureTests: XCTestCase {
  func testEveryFixturePredictsAsKeras() throws {
    let records = try Fixtures.records()
    XCTAssertGreaterThanOrEqual(records.count, 20)
    for record in records {
      let model = try ModelFile.load(record.modelPath, architecture: record.configText)
      let built = try model.build()
      let inputs = try record.inputs.map(Fixtures.npy)
      let outputs = try Executor(built.graph).predict(inputs)
      XCTAssertEqual(outputs.count, record.outputs.count, record.name)
      for (output, expected) in zip(outputs, try record.outputs.map(Fixtures.npy)) {
        assertClose(output, expected, record.name)
      }
    }
  }

  func testBatchesGiveTheSameAnswerAsOneRun() throws {
    let record = try Fixtures.record("k2_normalization")
    let model = try ModelFile.load(record.modelPath, architecture: record.configText)
    let inputs = try record.inputs.map(Fixtures.npy)
    let executor = Executor(try model.build().graph)
    let whole = try executor.predict(inputs, batchSize: inputs[0].shape[0])
    let batched = try executor.predict(inputs, batchSize: 5)
    let expected = try Fixtures.npy(record.outputs[0])
    assertClose(whole[0], expected, "one batch")
    assertClose(batched[0], expected, "batches of 5")
  }

  func testSummaryTotalsMatchKeras() throws {
    for record in try Fixtures.records() {
      let model = try ModelFile.load(record.modelPath, architecture: record.configText)
      let summary = try Summary(try model.build())
      XCTAssertEqual(summary.totalParams, record.total_params, record.name)
      XCTAssertEqual(summary.trainableParams, record.trainable_params, record.name)
      XCTAssertEqual(summary.nonTrainableParams, record.non_trainable_params, record.name)
    }
  }

  func testFunctionalLayerOrderFollowsDepthNotConfig() throws {
    let model = try ModelFile.load(Fixtures.path("models/k2_merging.h5"))
    let names = model.orderedLayers.map(\.name)
    XCTAssertEqual(Array(names.prefix(4)), ["a", "b", "da", "db"])
  }

  /// `d_hard_sigmoid` is a Dense(4, activation="hard_sigmoid") branch, columns 16..<20 of the
  /// `activations` fixtures: Keras 2 computes clip(0.2z + 0.5), Keras 3 clip(z/6 + 0.5), and on
  /// this input the two differ, so a swapped formula fails.
  func testHardSigmoidIsTheFormulaOfTheWritersKeras() throws {
    for (name, slope, other) in [("k2_activations", Float(0.2), Float(1) / 6), ("k3_activations", 1 / 6, 0.2)] {
      let record = try Fixtures.record(name)
      let model = try ModelFile.load(record.modelPath)
      let layer = try XCTUnwrap(model.layer(named: "d_hard_sigmoid"))
      let (kernel, bias) = (layer.weights[0], layer.weights[1])
      let x = try Fixtures.npy(record.inputs[0])
      let out = try Executor(try model.build().graph).predict([x])[0]
      let (rows, inputs, width) = (x.shape[0], x.shape[1], out.shape[1])
      var differs = false
      for r in 0..<rows {
        for u in 0..<4 {
          var z = bias.data[u]
          for i in 0..<inputs { z += x.data[r * inputs + i] * kernel.data[i * 4 + u] }
          let expected = min(max(slope * z + 0.5, 0), 1)
          XCTAssertEqual(out.data[r * width + 16 + u], expected, accuracy: 1e-5, "\(name) row \(r) unit \(u)")
          differs = differs || abs(expected - min(max(other * z + 0.5, 0), 1)) > 1e-3
        }
      }
      XCTAssertTrue(differs, "\(name): the input should tell the two formulas apart")
    }
  }
}
