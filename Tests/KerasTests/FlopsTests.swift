import Graph
import Keras
import XCTest
import _TestSupport

/// FLOPs per sample against formulas derived by hand from each fixture's architecture (a
/// multiply and an add count as two; a bias adds one per output; activations one per element,
/// softmax five), and the activation memory against the tensors a sample must hold.
final class FlopsTests: XCTestCase {
  func summary(_ name: String) throws -> Summary {
    try Summary(try ModelFile.load(Fixtures.path("models/\(name).h5")).build())
  }

  func flops(_ summary: Summary) -> [String: Int] {
    Dictionary(summary.rows.map { ($0.name, $0.flops ?? -1) }, uniquingKeysWith: { a, _ in a })
  }

  /// Input 6 → Dense 16 relu → Dense 8 tanh → Dense 3 softmax.
  func testDenseStack() throws {
    let summary = try summary("k2_mlp")
    func dense(_ inputs: Int, _ units: Int, activation perElement: Int) -> Int {
      2 * inputs * units + units + perElement * units
    }
    let expected = [dense(6, 16, activation: 1), dense(16, 8, activation: 1), dense(8, 3, activation: 5)]
    XCTAssertEqual(summary.rows.map(\.flops), expected)
    XCTAssertEqual(summary.totalFlops, expected.reduce(0, +))
  }

  /// 16×16×1 → Conv2D(8, 3, relu) → MaxPooling2D(2) → Conv2D(16, 3, relu) → GAP → Dense(10, softmax).
  func testConv2DNet() throws {
    let summary = try summary("k2_cnn_a")
    func conv(pixels: Int, taps: Int, inputs: Int, filters: Int) -> Int {
      pixels * (2 * taps * inputs * filters + filters) + pixels * filters  // + relu
    }
    XCTAssertEqual(
      flops(summary),
      [
        "conv1": conv(pixels: 14 * 14, taps: 9, inputs: 1, filters: 8), "pool": 7 * 7 * 8 * 4,
        "conv2": conv(pixels: 5 * 5, taps: 9, inputs: 8, filters: 16), "gap": 5 * 5 * 16,
        "classes": 2 * 16 * 10 + 10 + 5 * 10,
      ])
    // The largest pair a step holds: the input and the first convolution's output (which its
    // ReLU then overwrites into a recycled slot of the input's size or more).
    let activations = try XCTUnwrap(summary.activationBytes)
    XCTAssertGreaterThanOrEqual(activations, 4 * (16 * 16 + 14 * 14 * 8))
    XCTAssertLessThan(activations, 4 * 3 * (14 * 14 * 8))
  }

  /// LSTM(6) over 7 steps of 5 features: per step 2·(5 + 6)·4·6 for the two products and 4·6
  /// bias values; likewise GRU(5) with its two biases (reset after) and SimpleRNN(4).
  func testRecurrentLayersPerStepTimesSteps() throws {
    let rows = flops(try summary("k2_recurrent"))
    func step(_ inputs: Int, _ units: Int, gates: Int, biases: Int) -> Int {
      2 * (inputs + units) * gates * units + biases * gates * units
    }
    XCTAssertEqual(rows["lstm"], 7 * step(5, 6, gates: 4, biases: 1))
    XCTAssertEqual(rows["gru"], 7 * step(5, 5, gates: 3, biases: 2))
    XCTAssertEqual(rows["simple_rnn"], 7 * step(5, 4, gates: 1, biases: 1))
  }
}
