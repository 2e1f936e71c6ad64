/// Shape rules of the operations over `(batch, time, …)` sequences.
extension Op {
  func sequenceShapes(_ inputs: [Shape]) throws -> [Shape] {
    guard let x = inputs.first, x.rank >= 2 else {
      throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (batch, time, …)")
    }
    switch self {
    case .recurrent(let op):
      guard x.rank == 3, x.dims[2] == op.inputs else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (batch, time, \(op.inputs))")
      }
      return op.outputShapes(x)
    case .mask:
      return [Shape(Array(x.dims.prefix(2)))]
    case .maskedAverage:
      guard x.rank == 3, inputs.count == 2 else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (batch, time, features) and a mask")
      }
      return [Shape([x.dims[0], x.dims[2]])]
    case .reverseTime:
      return [x]
    case .foldTime:
      let batch = x.dims[0].flatMap { b in x.dims[1].map { b * $0 } }
      return [Shape([batch] + x.dims.dropFirst(2))]
    case .unfoldTime:
      guard inputs.count == 2, inputs[1].rank >= 2 else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected the folded tensor and its source")
      }
      return [Shape(Array(inputs[1].dims.prefix(2)) + x.dims.dropFirst())]
    default:
      throw GraphError.invalid("\(name) is not a sequence operation")
    }
  }
}
