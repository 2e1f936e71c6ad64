import CVectorMath
import Foundation
import XCTest
import _TestSupport

@testable import Graph

/// The paths `KernelConformanceTests` does not reach through the executor: the OpenBLAS
/// kernels XNNPACK stands in front of, and the vectorised activations.
final class FastPathTests: XCTestCase {
  func testOpenBLASConvolutionAndDenseMatchReference() {
    var random = KernelConformanceTests.Random(state: 7)
    let scratch = Scratch()
    for trial in 0..<30 {
      let groups = random.pick([1, 2])
      let (inputs, filters) = (groups * random.int(1...4), groups * random.int(1...3))
      let size = [random.int(1...3), random.int(1...3)], strides = [random.int(1...2), random.int(1...2)]
      let op = Convolution(
        kernel: random.floats(size[0] * size[1] * (inputs / groups) * filters), bias: random.floats(filters),
        size: size, strides: strides, dilation: [1, 1], padding: random.pick([.valid, .same]), groups: groups,
        inputs: inputs, filters: filters)
      let spatial = [size[0] + random.int(0...6), size[1] + random.int(0...6)]
      let x = Tensor(shape: [2] + spatial + [inputs], data: random.floats(2 * spatial[0] * spatial[1] * inputs))
      let expected = Reference.convolution(op, x)
      var y = [Float](repeating: .nan, count: expected.count)
      x.data.withUnsafeBufferPointer { xp in
        ConvolutionKernel.run(
          op, xp.baseAddress!, inShape: x.shape, &y, outShape: expected.shape, scratch: scratch, packed: false)
      }
      assertClose(Tensor(shape: expected.shape, data: y), expected, "OpenBLAS conv \(trial)")
    }
    for trial in 0..<10 {
      let (rows, inputs, units) = (random.int(1...9), random.int(1...70), random.int(1...40))
      let op = Dense(kernel: random.floats(inputs * units), bias: random.floats(units), inputs: inputs, units: units)
      let x = Tensor(shape: [rows, inputs], data: random.floats(rows * inputs))
      var y = [Float](repeating: .nan, count: rows * units)
      x.data.withUnsafeBufferPointer {
        MatMul.dense(op, $0.baseAddress!, &y, rows: rows, scratch: scratch, packed: false)
      }
      assertClose(Tensor(shape: [rows, units], data: y), Reference.dense(op, x), "OpenBLAS dense \(trial)")
    }
  }

  /// A Dense layer of more than `PackedOperator.sliceWeights` weights runs as column slices,
  /// the last one narrower.
  func testLargeDenseRunsInColumnSlices() throws {
    var random = KernelConformanceTests.Random(state: 11)
    let (inputs, units) = (1100, 2000)
    XCTAssertGreaterThan(inputs * units, PackedOperator.sliceWeights)
    var op = Dense(kernel: random.floats(inputs * units), bias: random.floats(units), inputs: inputs, units: units)
    op.clamp = 0...(.infinity)
    let graph = Graph()
    graph.outputs = try graph.addNode(.dense(op), [graph.input(Shape([nil, inputs]))])
    let x = Tensor(shape: [3, inputs], data: random.floats(3 * inputs))
    let expected = Reference.dense(op, x)
    assertClose(
      try Executor(graph).predict([x], batchSize: 2)[0],
      Tensor(shape: expected.shape, data: expected.data.map { max($0, 0) }), "sliced dense")
  }

  /// So does a convolution of more weights, each slice writing its own output channels.
  func testLargeConvolutionRunsInChannelSlices() throws {
    var random = KernelConformanceTests.Random(state: 12)
    let (inputs, filters) = (64, 250)
    XCTAssertGreaterThan(9 * inputs * filters, PackedOperator.sliceWeights)
    let op = Convolution(
      kernel: random.floats(9 * inputs * filters), bias: random.floats(filters), size: [3, 3], strides: [1, 2],
      dilation: [1, 1], padding: .same, groups: 1, inputs: inputs, filters: filters)
    let graph = Graph()
    graph.outputs = try graph.addNode(.convolution(op), [graph.input(Shape([nil, 5, 6, inputs]))])
    let x = Tensor(shape: [3, 5, 6, inputs], data: random.floats(3 * 5 * 6 * inputs))
    assertClose(try Executor(graph).predict([x], batchSize: 2)[0], Reference.convolution(op, x), "sliced convolution")
  }

  func testOwnMaxPoolingMatchesReference() {
    var random = KernelConformanceTests.Random(state: 10)
    for trial in 0..<20 {
      let size = [random.int(1...3), random.int(1...3)], strides = [random.int(1...3), random.int(1...3)]
      let op = Pooling(kind: .max, size: size, strides: strides, padding: random.pick([.valid, .same]))
      let spatial = size.map { $0 + random.int(0...5) }, channels = random.int(1...5)
      let x = Tensor(shape: [2] + spatial + [channels], data: random.floats(2 * spatial.reduce(1, *) * channels))
      let expected = Reference.pooling(op, x)
      var y = [Float](repeating: .nan, count: expected.count)
      x.data.withUnsafeBufferPointer { xp in
        PoolingKernel.run(
          op, xp.baseAddress!, inShape: x.shape, &y, outShape: expected.shape, scratch: Scratch(), packed: false)
      }
      assertClose(Tensor(shape: expected.shape, data: y), expected, "own max pooling \(trial)")
    }
  }

  /// Dense → ReLU6 and convolution → ReLU each run as one node, and match the ops apart, on
  /// finite inputs (XNNPACK, its clamp the ReLU) and with NaN and ±∞ (XNNPACK, which would turn
  /// them into numbers, steps aside: OpenBLAS, then the clamp), folded or not.
  func testReLUFoldsIntoItsProducerAndNonFiniteValuesPassThrough() throws {
    var random = KernelConformanceTests.Random(state: 8)
    let dense = Dense(kernel: random.floats(12 * 9), bias: random.floats(9), inputs: 12, units: 9)
    let conv = Convolution(
      kernel: random.floats(3 * 3 * 4 * 5), bias: random.floats(5), size: [3, 3], strides: [1, 1], dilation: [1, 1],
      padding: .same, groups: 1, inputs: 4, filters: 5)
    for (op, maximum, features) in [(Op.dense(dense), Float(6), [12]), (.convolution(conv), nil, [6, 7, 4])] {
      let relu = Activation.relu(max: maximum, slope: 0, threshold: 0)
      let (bare, folded) = (Graph(), Graph())
      bare.outputs = try bare.addNode(op, [bare.input(Shape([nil] + features.map { Optional($0) }))])
      let input = folded.input(Shape([nil] + features.map { Optional($0) }))
      folded.outputs = try folded.addNode(.activation(relu), try folded.addNode(op, [input]))
      XCTAssertEqual(folded.folded().nodes.count, folded.nodes.count - 1, "ReLU folded into \(features)")
      for poisoned in [false, true] {
        var data = random.floats(3 * features.reduce(1, *)).map { $0 * 4 }
        if poisoned { (data[1], data[data.count / 2], data[data.count - 1]) = (.nan, .infinity, -.infinity) }
        let x = Tensor(shape: [3] + features, data: data)
        let linear: Tensor
        if case .dense = op { linear = Reference.dense(dense, x) } else { linear = Reference.convolution(conv, x) }
        XCTAssertEqual(poisoned, linear.data.contains { !$0.isFinite })
        assertClose(try Executor(bare).predict([x], batchSize: 2)[0], linear, "\(features), poisoned: \(poisoned)")
        let expected = Tensor(shape: linear.shape, data: linear.data.map(relu.function))
        assertClose(
          try Executor(folded).predict([x], batchSize: 2)[0], expected, "\(features) + ReLU, poisoned: \(poisoned)")
      }
    }
  }

  /// The vectorised sigmoid and tanh against double precision, from tiny to saturated inputs.
  func testVectorisedActivationsAgainstDoublePrecision() {
    var x: [Float] = stride(from: -100, through: 100, by: 0.0137).map { Float($0) }
    x += [0, 1e-30, -1e-20, 1e-8, 3e-5, -0.49999, 0.5, 0.50001, 88, 89, -88, -89, 1000, -1000]
    var sigmoid = [Float](repeating: 0, count: x.count), tanh = sigmoid
    ensemble_sigmoid(x, &sigmoid, x.count)
    ensemble_tanh(x, &tanh, x.count)
    for (index, value) in x.enumerated() {
      let v = Double(value)
      let expected: [(Float, Double)] = [
        (sigmoid[index], 1 / (1 + Foundation.exp(-v))), (tanh[index], Foundation.tanh(v)),
      ]
      for (actual, exact) in expected {
        let error = abs(Double(actual) - exact)
        XCTAssert(
          error <= 4e-7 * max(abs(exact), 1e-30) || error < 1e-38, "x = \(value): \(actual), should be \(exact)")
      }
    }
  }
}
