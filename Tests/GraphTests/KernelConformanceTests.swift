import Graph
import XCTest
import _TestSupport

/// Every fast kernel against `Reference`'s naive loops, on random shapes and parameters
/// (odd sizes, strides, dilations, groups, every padding), through the public `Executor`.
///
/// Adding an op: (1) a case in `Op`, (2) its rule in ShapeInference (the switch has no
/// `default:`, so the compiler asks), (3) its kernel and a line in Kernels/Dispatch.swift,
/// (4) a naive kernel in Kernels/Reference and a test here, (5) a Keras fixture.
final class KernelConformanceTests: XCTestCase {
  /// A fixed-seed generator, so a failure names a case that can be run again.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 33
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in Float(int(0...2000)) / 1000 - 1 } }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
  }

  /// Runs `op` alone on `inputs` through the executor (batch split over both workers).
  func fast(_ op: Op, _ inputs: [Tensor], featureShapes: [[Int]]) throws -> [Tensor] {
    let graph = Graph()
    let values = featureShapes.map { graph.input(Shape([nil] + $0.map { Optional($0) })) }
    graph.outputs = try graph.addNode(op, values)
    return try Executor(graph).predict(inputs, batchSize: 2)
  }

  func testDenseAndBatchMatMul() throws {
    var random = Random(state: 1)
    for trial in 0..<20 {
      let (rows, inputs, units) = (random.int(1...9), random.int(1...70), random.int(1...40))
      let op = Dense(
        kernel: random.floats(inputs * units), bias: trial % 3 == 0 ? nil : random.floats(units), inputs: inputs,
        units: units)
      let x = Tensor(shape: [rows, inputs], data: random.floats(rows * inputs))
      assertClose(try fast(.dense(op), [x], featureShapes: [[inputs]])[0], Reference.dense(op, x), "dense \(trial)")
    }
    for trial in 0..<10 {
      let (batch, heads, m, k, n) = (
        random.int(1...4), random.int(1...3), random.int(1...7), random.int(1...9), random.int(1...6)
      )
      let transposeB = trial % 2 == 0
      let a = Tensor(shape: [batch, heads, m, k], data: random.floats(batch * heads * m * k))
      let bShape = transposeB ? [heads, n, k] : [heads, k, n]
      let b = Tensor(shape: [batch] + bShape, data: random.floats(batch * heads * n * k))
      assertClose(
        try fast(.batchMatMul(transposeB: transposeB), [a, b], featureShapes: [[heads, m, k], bShape])[0],
        Reference.batchMatMul(a, b, transposeB: transposeB), "batchMatMul \(trial)")
    }
  }

  func testConvolutionsOverOneTwoAndThreeAxes() throws {
    var random = Random(state: 2)
    for trial in 0..<60 {
      let axes = [1, 2, 3][trial % 3]
      let depthwise = trial % 5 == 0
      let groups = depthwise ? random.int(1...4) : random.pick([1, 1, 2])
      let inputs = depthwise ? groups : groups * random.int(1...4)
      let filters = groups * random.int(1...3)
      let size = (0..<axes).map { _ in random.int(1...3) }
      let padding: Padding = axes == 1 ? random.pick([.valid, .same, .causal]) : random.pick([.valid, .same])
      let dilated = trial % 4 == 1
      let strides = (0..<axes).map { _ in dilated ? 1 : random.int(1...3) }
      let dilation = (0..<axes).map { _ in dilated ? random.int(1...2) : 1 }
      let spatial = zip(size, dilation).map { k, d in (k - 1) * d + random.int(1...(axes == 3 ? 4 : 8)) }
      let op = Convolution(
        kernel: random.floats(size.reduce(1, *) * (inputs / groups) * filters),
        bias: trial % 2 == 0 ? random.floats(filters) : nil, size: size, strides: strides, dilation: dilation,
        padding: padding, groups: groups, inputs: inputs, filters: filters)
      let batch = random.int(1...3)
      let x = Tensor(shape: [batch] + spatial + [inputs], data: random.floats(batch * spatial.reduce(1, *) * inputs))
      assertClose(
        try fast(.convolution(op), [x], featureShapes: [spatial + [inputs]])[0], Reference.convolution(op, x),
        "conv\(axes)d \(trial): size \(size) strides \(strides) dilation \(dilation) \(padding) groups \(groups)")
    }
  }

  func testTransposedConvolutions() throws {
    var random = Random(state: 3)
    for trial in 0..<30 {
      let axes = trial % 2 + 1
      let (inputs, filters) = (random.int(1...4), random.int(1...4))
      let size = (0..<axes).map { _ in random.int(1...4) }
      let strides = (0..<axes).map { _ in random.int(1...3) }
      let padding: Padding = random.pick([.valid, .same])
      let outputPadding: [Int]? = trial % 3 == 0 ? strides.map { random.int(0...($0 - 1)) } : nil
      let spatial = (0..<axes).map { _ in random.int(1...6) }
      let op = TransposedConvolution(
        kernel: random.floats(size.reduce(1, *) * filters * inputs), bias: random.floats(filters), size: size,
        strides: strides, dilation: size.map { _ in 1 }, padding: padding, outputPadding: outputPadding,
        inputs: inputs, filters: filters)
      let batch = random.int(1...3)
      let x = Tensor(shape: [batch] + spatial + [inputs], data: random.floats(batch * spatial.reduce(1, *) * inputs))
      assertClose(
        try fast(.transposedConvolution(op), [x], featureShapes: [spatial + [inputs]])[0],
        Reference.transposedConvolution(op, x),
        "transposed \(axes)d \(trial): size \(size) strides \(strides) \(padding) output padding \(String(describing: outputPadding))"
      )
    }
  }

  func testPooling() throws {
    var random = Random(state: 4)
    for trial in 0..<45 {
      let axes = [1, 2, 3][trial % 3]
      let size = (0..<axes).map { _ in random.int(1...3) }
      let strides = (0..<axes).map { _ in random.int(1...3) }
      let op = Pooling(
        kind: trial % 2 == 0 ? .max : .average, size: size, strides: strides, padding: random.pick([.valid, .same]))
      let spatial = size.map { $0 + random.int(0...5) }
      let (batch, channels) = (random.int(1...3), random.int(1...5))
      let x = Tensor(
        shape: [batch] + spatial + [channels], data: random.floats(batch * spatial.reduce(1, *) * channels))
      assertClose(
        try fast(.pooling(op), [x], featureShapes: [spatial + [channels]])[0], Reference.pooling(op, x),
        "pool\(axes)d \(trial): \(op.kind) size \(size) strides \(strides) \(op.padding)")
    }
  }

  func testRecurrentCells() throws {
    var random = Random(state: 5)
    let cells: [Recurrent.Cell] = [.lstm, .gru(resetAfter: true), .gru(resetAfter: false), .simple]
    for trial in 0..<24 {
      let cell = cells[trial % cells.count]
      let (units, inputs, steps, batch) = (random.int(1...9), random.int(1...7), random.int(1...6), random.int(1...5))
      let width = cell.gates * units
      let biasCount = cell == .gru(resetAfter: true) ? 2 * width : width
      let masked = trial % 3 == 0
      let op = Recurrent(
        cell: cell, units: units, inputs: inputs, kernel: random.floats(inputs * width),
        recurrentKernel: random.floats(units * width), bias: trial % 5 == 4 ? nil : random.floats(biasCount),
        activation: .tanh, recurrentActivation: trial % 2 == 0 ? .sigmoid : .hardSigmoidKeras2,
        returnSequences: trial % 2 == 1, returnState: trial % 4 < 2, goBackwards: trial % 3 == 1,
        zeroOutputForMask: masked && trial % 2 == 1)
      let x = Tensor(shape: [batch, steps, inputs], data: random.floats(batch * steps * inputs))
      let mask = Tensor(
        shape: [batch, steps], data: (0..<(batch * steps)).map { _ in Float(random.int(0...3) > 0 ? 1 : 0) })
      let inputs2 = masked ? [x, mask] : [x]
      let shapes = masked ? [[steps, inputs], [steps]] : [[steps, inputs]]
      let expected = Reference.recurrent(op, x, mask: masked ? mask : nil)
      let actual = try fast(.recurrent(op), inputs2, featureShapes: shapes)
      XCTAssertEqual(actual.count, expected.count, "\(cell) \(trial): output count")
      for (index, (a, e)) in zip(actual, expected).enumerated() {
        assertClose(a, e, "\(cell) \(trial) output \(index)")
      }
    }
  }
}
