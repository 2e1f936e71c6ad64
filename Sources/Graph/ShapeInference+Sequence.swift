/// Shape rules of the operations over `(batch, time, …)` sequences, one function per op,
/// called from the exhaustive switch in ShapeInference.swift.
extension Op {
  /// The first input, checked to be `(batch, time, …)`.
  func sequenceInput(_ inputs: [Shape]) throws -> Shape {
    guard let x = inputs.first, x.rank >= 2 else {
      throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (batch, time, …)")
    }
    return x
  }

  func recurrentShapes(_ op: Recurrent, _ inputs: [Shape]) throws -> [Shape] {
    let x = try sequenceInput(inputs)
    guard x.rank == 3, x.dims[2] == op.inputs else {
      throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (batch, time, \(op.inputs))")
    }
    return op.outputShapes(x)
  }

  /// The sequence (or last output), then h and c with `returnState`.
  func convolutionalLSTMShapes(_ op: ConvolutionalLSTM, _ inputs: [Shape]) throws -> [Shape] {
    let x = try sequenceInput(inputs)
    guard (4...6).contains(x.rank) else {
      throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (batch, time, spatial…, channels)")
    }
    let frame = try convolutionShape(op.input, Shape([x.dims[0]] + x.dims.dropFirst(2)))
    let state = Shape(frame.dims.dropLast() + [op.filters])
    let first = op.returnSequences ? Shape([x.dims[0], x.dims[1]] + state.dims.dropFirst()) : state
    return [first] + (op.returnState ? [state, state] : [])
  }

  func maskShape(_ inputs: [Shape]) throws -> Shape { Shape(Array(try sequenceInput(inputs).dims.prefix(2))) }

  func maskedAverageShape(_ inputs: [Shape]) throws -> Shape {
    let x = try sequenceInput(inputs)
    guard x.rank == 3, inputs.count == 2 else {
      throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (batch, time, features) and a mask")
    }
    return Shape([x.dims[0], x.dims[2]])
  }

  func foldTimeShape(_ inputs: [Shape]) throws -> Shape {
    let x = try sequenceInput(inputs)
    let batch = x.dims[0].flatMap { b in x.dims[1].map { b * $0 } }
    return Shape([batch] + x.dims.dropFirst(2))
  }

  func unfoldTimeShape(_ inputs: [Shape]) throws -> Shape {
    let x = try sequenceInput(inputs)
    guard inputs.count == 2, inputs[1].rank >= 2 else {
      throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected the folded tensor and its source")
    }
    return Shape(Array(inputs[1].dims.prefix(2)) + x.dims.dropFirst())
  }
}
