/// A dataflow graph of tensor operations. Building it computes nothing: `add` checks the
/// inputs, infers the output shape and records the node; only `Executor` touches data.
///
/// ```swift
/// let graph = Graph()
/// let x = graph.input(Shape([nil, 4]))
/// let y = try graph.add(.dense(Dense(kernel: w, bias: b, inputs: 4, units: 3)), [x])
/// graph.outputs = [y]
/// let out = try Executor(graph).predict([Tensor(shape: [2, 4], data: ...)])
/// ```
public final class Graph {
  /// A tensor inside the graph.
  public struct Value: Hashable {
    public let id: Int
  }

  /// One operation with its input and output tensors.
  public struct Node {
    public let op: Op
    public let inputs: [Value]
    public let outputs: [Value]
  }

  public internal(set) var nodes: [Node] = []
  public internal(set) var shapes: [Shape] = []
  public internal(set) var inputs: [Value] = []
  public var outputs: [Value] = []

  public init() {}

  public func shape(_ value: Value) -> Shape { shapes[value.id] }

  /// A new graph input of the given shape (batch dimension `nil`).
  public func input(_ shape: Shape) -> Value {
    let value = newValue(shape)
    nodes.append(Node(op: .input(index: inputs.count), inputs: [], outputs: [value]))
    inputs.append(value)
    return value
  }

  /// Adds an operation with one output.
  public func add(_ op: Op, _ inputs: [Value]) throws -> Value {
    let outputs = try addNode(op, inputs)
    guard outputs.count == 1 else { throw GraphError.invalid("\(op.name) has \(outputs.count) outputs") }
    return outputs[0]
  }

  /// Adds an operation and returns all its outputs (a recurrent layer's sequence and states).
  @discardableResult
  public func addNode(_ op: Op, _ inputs: [Value]) throws -> [Value] {
    let outputShapes = try op.outputShapes(inputs.map { shapes[$0.id] })
    let outputs = outputShapes.map(newValue)
    nodes.append(Node(op: op, inputs: inputs, outputs: outputs))
    return outputs
  }

  private func newValue(_ shape: Shape) -> Value {
    shapes.append(shape)
    return Value(id: shapes.count - 1)
  }
}
