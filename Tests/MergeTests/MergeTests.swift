import Graph
import Keras
import Merge
import XCTest
import _TestSupport

/// The merged graph against the formula applied to the members' Keras outputs (stored by
/// fixtures/generate.py), and the rules for shapes.
final class MergeTests: XCTestCase {
  func member(_ name: String) throws -> Ensemble.Member {
    Ensemble.Member(name: name, model: try ModelFile.load(Fixtures.path("models/\(name).h5")))
  }

  func testWeightedSharedInputIsTheWeightedSumOfKerasOutputs() throws {
    let merged = try Ensemble.merge(
      [try member("k2_member_a"), try member("k3_member_c")], mode: .weighted([0.3, 0.7]))
    let x = try Fixtures.npy("expected/k2_member_a.input0.npy")
    let out = try Executor(merged.graph).predict([x])[0]
    let a = try Fixtures.npy("expected/k2_member_a.output0.npy")
    let c = try Fixtures.npy("expected/k3_member_c.output0.npy")
    assertClose(out, Tensor(shape: a.shape, data: zip(a.data, c.data).map { 0.3 * $0 + 0.7 * $1 }), "weighted")
    XCTAssertEqual(merged.model.inputs.count, 1, "identical input signatures share one input")
  }

  func testDifferentWidthsGetSeparateInputsInModelOrder() throws {
    let merged = try Ensemble.merge([try member("k2_seed_a"), try member("k2_seed_b")], mode: .sum)
    let graph = merged.graph
    XCTAssertEqual(graph.inputs.map { graph.shape($0) }, [Shape([nil, 5]), Shape([nil, 7])])
  }

  func testNestedMembersAreInlinedWithTheSameNumbers() throws {
    let nested = try ModelFile.load(Fixtures.path("models/k2_nested.h5"))
    let flat = nested.inlined()
    XCTAssertFalse(flat.layers.contains { $0.submodel != nil })
    let x = try Fixtures.npy("expected/k2_nested.input0.npy")
    assertClose(
      try Executor(try flat.build().graph).predict([x])[0], try Fixtures.npy("expected/k2_nested.output0.npy"),
      "inlined")
  }

  func testShapeErrorListsEveryMember() throws {
    XCTAssertThrowsError(try Ensemble.merge([try member("k2_member_a"), try member("k3_member_wide")], mode: .average))
    {
      XCTAssertEqual(
        "\($0)",
        "average needs outputs of one shape, but k2_member_a gives (None, 4), k3_member_wide gives (None, 3); "
          + "concatenation joins outputs of different widths")
    }
    XCTAssertThrowsError(try Ensemble.merge([try member("k2_member_a"), try member("k2_merging")], mode: .sum)) {
      XCTAssertTrue("\($0)".contains("k2_merging has 8 outputs"), "\($0)")
    }
  }
}
