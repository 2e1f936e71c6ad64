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
    let whole = try Executor(try model.build().graph).predict(inputs)
    let batched = try Executor(try model.build().graph).predict(inputs, batchSize: 5)
    assertClose(batched[0], try Fixtures.npy(record.outputs[0]), "batched")
    XCTAssertEqual(whole[0].shape, batched[0].shape)
  }

  func testSummaryTotalsMatchKeras() throws {
    for record in try Fixtures.records() {
      let model = try ModelFile.load(record.modelPath, architecture: record.configText)
      let summary = try Summary(model, built: try model.build())
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

  func testHardSigmoidFollowsTheWriter() throws {
    let k2 = try ModelFile.load(Fixtures.path("models/k2_activations.h5"))
    let k3 = try ModelFile.load(Fixtures.path("models/k3_activations.h5"))
    XCTAssertEqual(k2.dialect, .keras2)
    XCTAssertEqual(k3.dialect, .keras3)
  }
}
