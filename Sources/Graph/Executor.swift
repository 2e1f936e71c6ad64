import Foundation

/// Runs a graph on data, a batch at a time, on every core.
///
/// Each worker thread owns a plan for its input shapes: every tensor's concrete shape, and a
/// buffer slot for it, reusing a slot as soon as the last node that reads it has run, plus
/// scratch memory for the kernels. Plans are kept for the next batch of the same size.
/// Workers take whole batches, so kernels never synchronise with each other.
public final class Executor {
  /// The graph as run: the one given, with scale-and-shift layers folded into their producers.
  public let graph: Graph
  private let workers: Int
  /// One box per worker, made up front: workers replace the plan inside their own box and
  /// never write to this array, which two threads must not do at once.
  private let plans: [PlanBox]

  public init(_ graph: Graph, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
    self.graph = graph.folded()
    workers = max(threads, 1)
    plans = (0..<workers).map { _ in PlanBox() }
  }

  /// The samples per batch when none is given (`Schedule.automaticBatch`); 32, Keras's
  /// default, when the model's free dimensions keep its shapes unknown.
  public private(set) lazy var automaticBatchSize: Int = Schedule.automaticBatch(graph) ?? 32

  /// The activation memory one sample needs as the executor plans it: the buffer slots of a
  /// one-row plan, reused as soon as a tensor's last reader has run (scratch not counted);
  /// nil when an input has an unknown dimension besides the batch.
  public var sampleActivationBytes: Int? {
    var shapes: [[Int]] = []
    for value in graph.inputs {
      let features = graph.shape(value).features
      guard features.allSatisfy({ $0 != nil }) else { return nil }
      shapes.append([1] + features.map { $0 ?? 0 })
    }
    return (try? Schedule(graph, inputShapes: shapes))?.slotBytes
  }

  /// Runs all of `inputs` (one tensor per graph input, batch first) in batches of at most
  /// `batchSize` (default: `automaticBatchSize`), calling `progress(done, total)` as batches finish.
  public func predict(
    _ inputs: [Tensor], batchSize: Int? = nil, progress: ((Int, Int) -> Void)? = nil
  ) throws -> [Tensor] {
    let batchSize = batchSize ?? automaticBatchSize
    guard inputs.count == graph.inputs.count else {
      throw GraphError.badInput("the model takes \(graph.inputs.count) inputs, got \(inputs.count)")
    }
    let total = inputs.first?.shape.first ?? 0
    for (index, input) in inputs.enumerated() where input.shape.first != total {
      throw GraphError.badInput(
        "input \(index + 1) has \(input.shape.first ?? 0) samples, input 1 has \(total)")
    }
    // Batches of equal size, as many for each worker.
    let rounds = ((total + max(batchSize, 1) - 1) / max(batchSize, 1) + workers - 1) / workers
    let size = max(1, (total + workers * rounds - 1) / max(workers * rounds, 1))
    // Refuse, rather than fail to allocate, batches whose activations cannot fit in memory.
    let perSample =
      sampleActivationBytes ?? 4
      * (graph.shapes.map { Shape($0.features).dims.reduce(1) { $0 * ($1 ?? 64) } }.max() ?? 1)
    let (needed, overflow) = perSample.multipliedReportingOverflow(by: size * min(workers, max(total, 1)))
    guard !overflow, UInt64(needed) < ProcessInfo.processInfo.physicalMemory / 2 else {
      throw GraphError.badInput(
        "batches of \(size) samples need about \(needed / (1 << 20)) MB of activations on \(workers) workers, "
          + "more than half of this machine's memory; give a smaller --batch-size")
    }
    let chunks = stride(from: 0, to: max(total, 1), by: size).map { $0..<min($0 + size, total) }
    guard chunks.count > 1 else { return try run(inputs) }
    let lock = NSLock()
    var results = [[Tensor]?](repeating: nil, count: chunks.count)
    // The failure of the earliest batch is the one reported, whichever worker meets one first.
    var failure: (chunk: Int, error: Error)?
    var done = 0
    let active = min(workers, chunks.count)
    /// Every batch, run by the workers; each batch's outputs go to `store`, or are kept.
    func runAll(store: ((Range<Int>, Plan) -> Void)?) {
      // Each worker takes the next batch when it finishes one, so a core slowed by another
      // process does fewer batches instead of holding the others at the end.
      var next = 0
      DispatchQueue.concurrentPerform(iterations: active) { worker in
        while true {
          let taken: Int? = lock.withLock {
            guard next < chunks.count, (failure?.chunk ?? .max) > next else { return nil }
            next += 1
            return next - 1
          }
          guard let index = taken else { return }
          do {
            let plan = try run(inputs, rows: chunks[index], worker: worker)
            if let store { store(chunks[index], plan) }
            let batch = store == nil ? outputs(of: plan) : []
            lock.withLock {
              results[index] = batch
              done += chunks[index].count
              progress?(done, total)
            }
          } catch {
            lock.withLock { if index < failure?.chunk ?? .max { failure = (index, error) } }
            return
          }
        }
      }
    }
    // One output of a known width is written straight into place: no array per batch, no joining.
    if graph.outputs.count == 1, let width = Self.width(graph.shape(graph.outputs[0])) {
      let value = graph.outputs[0]
      let data = [Float](unsafeUninitializedCapacity: total * width) { buffer, initialized in
        let base = buffer.baseAddress!
        runAll { rows, plan in
          (base + rows.lowerBound * width).update(from: plan.buffer(value), count: rows.count * width)
        }
        initialized = failure == nil ? total * width : 0
      }
      if let failure { throw failure.error }
      return [Tensor(shape: [total] + graph.shape(value).features.map { $0 ?? 0 }, data: data)]
    }
    runAll(store: nil)
    if let failure { throw failure.error }
    let parts = results.compactMap { $0 }
    return (0..<graph.outputs.count).map { output in
      var data: [Float] = []
      data.reserveCapacity(parts.reduce(0) { $0 + $1[output].count })
      for part in parts { data += part[output].data }
      return Tensor(shape: [total] + parts[0][output].shape.dropFirst(), data: data)
    }
  }

  /// Runs one batch.
  public func run(_ inputs: [Tensor]) throws -> [Tensor] {
    outputs(of: try run(inputs, rows: 0..<(inputs.first?.shape.first ?? 0), worker: 0))
  }

  /// The values of one sample of `shape`, when every one of its dimensions is known.
  private static func width(_ shape: Shape) -> Int? {
    shape.features.reduce(Optional(1)) { product, dimension in product.flatMap { p in dimension.map { p * $0 } } }
  }

  /// The graph's outputs as a plan that has just run holds them.
  private func outputs(of plan: Plan) -> [Tensor] {
    graph.outputs.map { value in
      let shape = plan.shapes[value.id]
      return Tensor(
        shape: shape, data: Array(UnsafeBufferPointer(start: plan.buffer(value), count: shape.reduce(1, *))))
    }
  }

  /// Runs rows `rows` of `inputs`, copied straight into the worker's plan; returns the plan,
  /// holding the outputs until the worker's next batch.
  private func run(_ inputs: [Tensor], rows: Range<Int>, worker: Int) throws -> Plan {
    let inputShapes = inputs.map { [rows.count] + $0.shape.dropFirst() }
    let box = plans[worker]
    let plan: Plan
    if let current = box.plan, current.inputShapes == inputShapes {
      plan = current
    } else {
      plan = try Plan(graph, inputShapes: inputShapes, scratch: box.scratch)
      box.plan = plan
    }
    for (value, input) in zip(graph.inputs, inputs) {
      let width = input.shape.dropFirst().reduce(1, *)
      input.data.withUnsafeBufferPointer { source in
        plan.buffer(value).update(from: source.baseAddress! + rows.lowerBound * width, count: rows.count * width)
      }
    }
    let batch = rows.count
    for segment in plan.schedule.segments {
      for start in stride(from: 0, to: batch, by: segment.rows) {
        let count = min(segment.rows, batch - start)
        for index in segment.steps {
          let node = graph.nodes[index]
          plan.scratch.node = index
          let failure = node.op.run(
            node.inputs.map { UnsafePointer(plan.buffer($0, from: start)) },
            node.inputs.map { plan.shape($0, rows: count) }, node.outputs.map { plan.buffer($0, from: start) },
            node.outputs.map { plan.shape($0, rows: count) }, scratch: plan.scratch)
          if case .badRow(let row, let message) = failure {
            throw GraphError.badRow(rows.lowerBound + start + row, message)
          }
          if let failure { throw failure }
        }
      }
    }
    return plan
  }
}

/// A worker's current plan, and the scratch memory and packed kernels its plans share.
private final class PlanBox {
  var plan: Plan?
  let scratch = Scratch()
}

/// A schedule for one set of input shapes, and its buffer slots.
private final class Plan {
  let inputShapes: [[Int]]
  let scratch: Scratch
  let schedule: Schedule
  private let slots: [UnsafeMutablePointer<Float>]

  init(_ graph: Graph, inputShapes: [[Int]], scratch: Scratch) throws {
    (self.inputShapes, self.scratch) = (inputShapes, scratch)
    schedule = try Schedule(graph, inputShapes: inputShapes)
    // Not zeroed: every kernel writes all of its output.
    slots = schedule.capacities.map { UnsafeMutablePointer<Float>.allocate(capacity: $0) }
  }

  deinit { slots.forEach { $0.deallocate() } }

  var shapes: [[Int]] { schedule.shapes }

  func buffer(_ value: Graph.Value) -> UnsafeMutablePointer<Float> { slots[schedule.slotOf[value.id]] }

  /// Where the pass that starts at sample `start` reads or writes `value`.
  func buffer(_ value: Graph.Value, from start: Int) -> UnsafeMutablePointer<Float> {
    buffer(value) + start * schedule.passStride[value.id]
  }

  /// `value`'s shape in a pass of `rows` samples.
  func shape(_ value: Graph.Value, rows: Int) -> [Int] {
    let shape = schedule.shapes[value.id]
    return rows == schedule.batch ? shape : [rows] + shape.dropFirst()
  }
}
