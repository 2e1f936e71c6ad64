/// Runs a graph on data, a batch at a time.
///
/// For each set of input shapes it plans once: every tensor's concrete shape, and a buffer
/// slot for it, reusing a slot as soon as the last node that reads it has run. The plan and
/// its buffers are kept for the next batch of the same size.
public final class Executor {
  public let graph: Graph
  private var plan: Plan?

  public init(_ graph: Graph) { self.graph = graph }

  /// Runs all of `inputs` (one tensor per graph input, batch first) in batches of `batchSize`,
  /// calling `progress(done, total)` after each batch.
  public func predict(
    _ inputs: [Tensor], batchSize: Int = 256, progress: ((Int, Int) -> Void)? = nil
  ) throws -> [Tensor] {
    guard inputs.count == graph.inputs.count else {
      throw GraphError.badInput("the model takes \(graph.inputs.count) inputs, got \(inputs.count)")
    }
    let total = inputs.first?.shape.first ?? 0
    for (index, input) in inputs.enumerated() where input.shape.first != total {
      throw GraphError.badInput(
        "input \(index + 1) has \(input.shape.first ?? 0) samples, input 1 has \(total)")
    }
    guard total > batchSize else { return try run(inputs) }
    var results: [Tensor] = []
    var start = 0
    while start < total {
      let range = start..<min(start + batchSize, total)
      let batch = try run(inputs.map { $0.rows(range) })
      if results.isEmpty {
        results = batch.map { Tensor(shape: [0] + $0.shape.dropFirst(), data: []) }
        for index in results.indices { results[index].data.reserveCapacity(total * batch[index].count / range.count) }
      }
      for index in results.indices {
        results[index].data += batch[index].data
        results[index].shape[0] += range.count
      }
      start = range.upperBound
      progress?(start, total)
    }
    return results
  }

  /// Runs one batch.
  public func run(_ inputs: [Tensor]) throws -> [Tensor] {
    let inputShapes = inputs.map(\.shape)
    if plan?.inputShapes != inputShapes { plan = try Plan(graph, inputShapes: inputShapes) }
    guard let plan else { return [] }
    for (value, input) in zip(graph.inputs, inputs) {
      plan.buffer(value).update(from: input.data, count: input.count)
    }
    for index in plan.steps {
      let node = graph.nodes[index]
      try node.op.run(
        node.inputs.map { UnsafePointer(plan.buffer($0)) }, node.inputs.map { plan.shapes[$0.id] },
        node.outputs.map { plan.buffer($0) }, node.outputs.map { plan.shapes[$0.id] })
    }
    return graph.outputs.map { value in
      let shape = plan.shapes[value.id]
      return Tensor(
        shape: shape, data: Array(UnsafeBufferPointer(start: plan.buffer(value), count: shape.reduce(1, *))))
    }
  }
}

/// Concrete shapes and buffer slots for one set of input shapes.
private final class Plan {
  let inputShapes: [[Int]]
  var shapes: [[Int]]
  var steps: [Int] = []
  private var slotOf: [Int]
  private var slots: [UnsafeMutablePointer<Float>] = []

  init(_ graph: Graph, inputShapes: [[Int]]) throws {
    self.inputShapes = inputShapes
    shapes = graph.shapes.map(\.concrete)
    slotOf = [Int](repeating: -1, count: graph.shapes.count)
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
    let needed = Plan.neededNodes(graph)
    var lastUse = [Int](repeating: -1, count: graph.shapes.count)
    for index in needed { for value in graph.nodes[index].inputs { lastUse[value.id] = index } }
    for value in graph.outputs + graph.inputs { lastUse[value.id] = Int.max }
    var capacities: [Int] = []
    var free: [Int] = []
    func allocate(_ value: Graph.Value) {
      let size = max(shapes[value.id].reduce(1, *), 1)
      if let pick = free.filter({ capacities[$0] >= size }).min(by: { capacities[$0] < capacities[$1] }) {
        free.removeAll { $0 == pick }
        slotOf[value.id] = pick
      } else {
        capacities.append(size)
        slotOf[value.id] = capacities.count - 1
      }
    }
    graph.inputs.forEach(allocate)
    for index in needed {
      let node = graph.nodes[index]
      if case .input = node.op { continue }
      let outShapes = try node.op.outputShapes(node.inputs.map { Shape(shapes[$0.id].map { $0 }) })
      for (value, shape) in zip(node.outputs, outShapes) {
        shapes[value.id] = shape.concrete
        allocate(value)
      }
      for value in Set(node.inputs) where lastUse[value.id] == index { free.append(slotOf[value.id]) }
      for value in node.outputs where lastUse[value.id] == -1 { free.append(slotOf[value.id]) }
      steps.append(index)
    }
    slots = capacities.map { capacity in
      let pointer = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
      pointer.initialize(repeating: 0, count: capacity)
      return pointer
    }
  }

  deinit { slots.forEach { $0.deallocate() } }

  func buffer(_ value: Graph.Value) -> UnsafeMutablePointer<Float> { slots[slotOf[value.id]] }

  /// Indices of the nodes the outputs depend on, in graph (topological) order.
  static func neededNodes(_ graph: Graph) -> [Int] {
    var producer: [Int: Int] = [:]
    for (index, node) in graph.nodes.enumerated() { for value in node.outputs { producer[value.id] = index } }
    var needed = Set<Int>()
    var stack = graph.outputs.compactMap { producer[$0.id] }
    while let index = stack.popLast() {
      guard needed.insert(index).inserted else { continue }
      stack += graph.nodes[index].inputs.compactMap { producer[$0.id] }
    }
    return needed.sorted()
  }
}
