/// How one batch runs: every tensor's concrete shape, the steps in segments that each go
/// through the batch `rows` samples (a pass) at a time, and a buffer slot for every tensor.
///
/// A step's pass is as many samples as keep its tensors within a core's L2 (`cacheBytes`), so
/// a convolution's output is still in cache when the next step reads it; a step whose weights
/// outgrow L2 (`PackedOperator.sliceWeights`) streams them once a pass, so it takes at least
/// the samples that use each weight `weightUses` times. On W2 (two CNNs) passes of 4 images
/// for the convolutions and pooling, and of the whole batch of 512 for the Dense 9216 → 128,
/// beat one batch size for all: 2.47 s against 2.81 s for 10,000 images. Steps that change
/// the batch axis itself (FoldTime) take the whole batch.
///
/// A tensor read only in its own segment holds one pass, reused by the next pass; a tensor
/// read in a later segment, and every graph input and output, holds the whole batch.
struct Schedule {
  /// Bytes a pass's tensors should fit in: the L2 cache of one core of the machines measured.
  static let cacheBytes = 1 << 20
  /// Uses of each weight per pass that make streaming it from L3 or memory cheap.
  static let weightUses = 512
  /// The most samples a pass or a batch takes.
  static let maxRows = 4096
  /// Bytes of the largest tensor below which a batch is too small to repay its handover to a
  /// worker (an identity model read 60 MB of CSV in 0.11 s in batches of 1,024, 0.095 s in 4,096).
  static let handoverBytes = 4 << 20
  /// The most a worker's buffers take at the automatic batch size (W5's MobileNetV2 and
  /// ResNet50 at 224×224 need 45 MB in batches of 8).
  static let batchBytes = 64 << 20

  struct Segment {
    var steps: [Int]
    var rows: Int
  }

  let batch: Int
  private(set) var shapes: [[Int]]
  private(set) var segments: [Segment] = []
  /// Each value's buffer slot, and the floats each slot needs.
  private(set) var slotOf: [Int]
  private(set) var capacities: [Int] = []
  /// Whether a value's slot holds the whole batch rather than one pass.
  private var wholeBatch: [Bool]
  /// Floats the pass starting at sample s skips in a value's slot, per sample: a whole-batch
  /// tensor's sample size, 0 for one that holds one pass.
  private(set) var passStride: [Int] = []

  init(_ graph: Graph, inputShapes: [[Int]]) throws {
    batch = inputShapes.first?.first ?? 0
    shapes = graph.shapes.map(\.concrete)
    slotOf = [Int](repeating: -1, count: graph.shapes.count)
    wholeBatch = [Bool](repeating: false, count: graph.shapes.count)
    for (value, shape) in zip(graph.inputs, inputShapes) {
      let expected = graph.shape(value)
      guard shape.count == expected.rank,
        zip(shape.dropFirst(), expected.dims.dropFirst()).allSatisfy({ $1 == nil || $0 == $1 })
      else {
        throw GraphError.badInput(
          "input shape \(Shape(shape.map { $0 })) does not fit the model's input \(expected)")
      }
      shapes[value.id] = shape
    }
    var producer: [Int: Int] = [:]
    for (index, node) in graph.nodes.enumerated() { for value in node.outputs { producer[value.id] = index } }
    var steps: [Int] = []
    for index in Schedule.neededNodes(graph, producer: producer) {
      let node = graph.nodes[index]
      if case .input = node.op { continue }
      let outShapes = try node.op.outputShapes(node.inputs.map { Shape(shapes[$0.id].map { $0 }) })
      for (value, shape) in zip(node.outputs, outShapes) { shapes[value.id] = shape.concrete }
      steps.append(index)
    }
    let rowsOf = passes(graph, steps: steps, producer: producer)
    for index in steps {
      if let last = segments.last, last.rows == rowsOf[index] {
        segments[segments.count - 1].steps.append(index)
      } else {
        segments.append(Segment(steps: [index], rows: rowsOf[index]!))
      }
    }
    allocate(graph)
    passStride = shapes.indices.map { wholeBatch[$0] ? shapes[$0].dropFirst().reduce(1, *) : 0 }
  }

  /// The bytes of all buffer slots.
  var slotBytes: Int { capacities.reduce(0, +) * MemoryLayout<Float>.size }

  /// The samples per batch when none is given: the widest pass any step takes, and at least
  /// enough that the largest tensor reaches `handoverBytes`; halved while the batch's buffers,
  /// kept between batches, pass `batchBytes` a worker. Nil when the model's free dimensions
  /// leave a shape unknown.
  static func automaticBatch(_ graph: Graph) -> Int? {
    let inputs = { (rows: Int) in graph.inputs.map { [rows] + graph.shape($0).features.map { $0 ?? 64 } } }
    guard let widest = try? Schedule(graph, inputShapes: inputs(maxRows)) else { return nil }
    let largest = widest.shapes.map { $0.dropFirst().reduce(1, *) }.max() ?? 1
    let handover = powerOfTwo(atMost: handoverBytes / (MemoryLayout<Float>.size * max(largest, 1)))
    var rows = min(maxRows, max(widest.segments.map(\.rows).max() ?? 1, handover))
    while rows > 1, let schedule = try? Schedule(graph, inputShapes: inputs(rows)), schedule.slotBytes > batchBytes {
      rows /= 2
    }
    return rows
  }

  /// Each step's pass (see the type's doc), at most the batch. A step without weights keeps
  /// the pass of the step that made its first input, and one whose weights fit in L2 keeps it
  /// unless its tensors need a smaller one, so that runs of such steps share a segment
  /// (ResNet's additions stay in their stage's pass); then such a step takes no larger a pass
  /// than such steps that read it, since a segment boundary sends the whole batch of a tensor
  /// out of cache (W2's first convolution, 4 images a pass like the second, not 8).
  private func passes(_ graph: Graph, steps: [Int], producer: [Int: Int]) -> [Int: Int] {
    var rowsOf: [Int: Int] = [:]
    var inPasses = Set<Int>()
    for index in steps {
      let node = graph.nodes[index]
      let values = node.inputs + node.outputs
      guard values.allSatisfy({ shapes[$0.id].first == batch }) else {
        rowsOf[index] = batch
        continue
      }
      inPasses.insert(index)
      let sample = { (value: Graph.Value) in [1] + shapes[value.id].dropFirst() }
      let sampleBytes = MemoryLayout<Float>.size * values.reduce(0) { $0 + sample($1).reduce(1, *) }
      var rows = Schedule.powerOfTwo(atMost: Schedule.cacheBytes / max(sampleBytes, 1))
      let fed = node.inputs.first.flatMap { producer[$0.id] }.flatMap { rowsOf[$0] }
      if node.op.streamsWeights {
        let flops = node.op.flops(inputs: node.inputs.map(sample), outputs: node.outputs.map(sample))
        let uses = flops / (2 * node.op.weightCount)
        rows = max(rows, Schedule.powerOfTwo(atLeast: Schedule.weightUses / max(uses, 1)))
      } else if let fed {
        rows = node.op.weightCount == 0 ? fed : min(rows, fed)
      }
      rowsOf[index] = min(rows, Schedule.maxRows, batch)
    }
    for index in steps.reversed() where !graph.nodes[index].op.streamsWeights {
      for value in graph.nodes[index].inputs {
        guard let source = producer[value.id], inPasses.contains(source), !graph.nodes[source].op.streamsWeights,
          let rows = rowsOf[source], rows > rowsOf[index]!
        else { continue }
        rowsOf[source] = rowsOf[index]
      }
    }
    return rowsOf
  }

  /// Buffer slots, each reused once the tensor in it is dead. A tensor read only in its own
  /// segment needs one pass's rows and dies after its last reader; a tensor held across
  /// segments dies when the segment of its last reader ends, and takes no slot freed during
  /// its own segment, which the next pass fills again.
  private mutating func allocate(_ graph: Graph) {
    var producedIn = [Int](repeating: -1, count: shapes.count)
    var lastSegment = [Int](repeating: -1, count: shapes.count)
    var lastStep = [Int](repeating: -1, count: shapes.count)
    for (number, segment) in segments.enumerated() {
      for index in segment.steps {
        for value in graph.nodes[index].inputs { (lastSegment[value.id], lastStep[value.id]) = (number, index) }
        for value in graph.nodes[index].outputs { producedIn[value.id] = number }
      }
    }
    for value in graph.inputs + graph.outputs { (lastSegment[value.id], lastStep[value.id]) = (.max, .max) }
    for value in 0..<shapes.count where lastSegment[value] != -1 && lastSegment[value] != producedIn[value] {
      wholeBatch[value] = true
    }
    var free: [Int] = []
    var freedInSegment = Set<Int>()
    func take(_ value: Graph.Value, rows: Int) {
      let shape = shapes[value.id]
      let size = max(shape.first == batch ? rows * shape.dropFirst().reduce(1, *) : shape.reduce(1, *), 1)
      let fits = free.filter { capacities[$0] >= size && !(wholeBatch[value.id] && freedInSegment.contains($0)) }
      if let slot = fits.min(by: { capacities[$0] < capacities[$1] }) {
        free.removeAll { $0 == slot }
        slotOf[value.id] = slot
      } else {
        capacities.append(size)
        slotOf[value.id] = capacities.count - 1
      }
    }
    for value in graph.inputs { take(value, rows: batch) }
    for (number, segment) in segments.enumerated() {
      let onePass = segment.rows >= batch
      freedInSegment = []
      for index in segment.steps {
        let node = graph.nodes[index]
        for value in node.outputs { take(value, rows: wholeBatch[value.id] ? batch : segment.rows) }
        for value in Set(node.inputs + node.outputs) where lastStep[value.id] <= index {
          guard !wholeBatch[value.id] || onePass else { continue }
          free.append(slotOf[value.id])
          if !onePass { freedInSegment.insert(slotOf[value.id]) }
        }
      }
      if !onePass {
        for value in 0..<shapes.count where wholeBatch[value] && lastSegment[value] == number {
          free.append(slotOf[value])
        }
      }
    }
  }

  /// Indices of the nodes the outputs depend on, in graph (topological) order.
  private static func neededNodes(_ graph: Graph, producer: [Int: Int]) -> [Int] {
    var needed = Set<Int>()
    var stack = graph.outputs.compactMap { producer[$0.id] }
    while let index = stack.popLast() {
      guard needed.insert(index).inserted else { continue }
      stack += graph.nodes[index].inputs.compactMap { producer[$0.id] }
    }
    return needed.sorted()
  }

  private static func powerOfTwo(atMost n: Int) -> Int { n < 2 ? 1 : 1 << (Int.bitWidth - 1 - n.leadingZeroBitCount) }
  private static func powerOfTwo(atLeast n: Int) -> Int {
    n < 2 ? 1 : 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount)
  }
}

extension Op {
  /// Whether the kernel's weights outgrow L2, so it streams them once per pass.
  fileprivate var streamsWeights: Bool { weightCount > PackedOperator.sliceWeights }

  /// The weights a step multiplies its input by, for the ops whose kernels reuse them over rows.
  fileprivate var weightCount: Int {
    switch self {
    case .dense(let op): return op.kernel.count
    case .convolution(let op): return op.kernel.count
    case .transposedConvolution(let op): return op.kernel.count
    case .recurrent(let op): return op.kernel.count + op.recurrentKernel.count
    case .convolutionalLSTM(let op): return op.input.kernel.count + op.recurrent.kernel.count
    default: return 0
    }
  }
}
