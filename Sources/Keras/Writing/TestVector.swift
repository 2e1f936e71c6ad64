import Graph
import HDF5

/// A stored check of a written file (frugally-deep's idea): a few input rows and the outputs
/// `ensemble` computed for them when it wrote the file, kept in the group `/ensemble_verify`
/// (datasets `input0…`, `output0…`, which Keras's loaders ignore; datasets rather than
/// attributes because an attribute is limited to 64 KB). `ensemble verify` recomputes them.
public struct TestVector {
  public let inputs: [Tensor]
  public let outputs: [Tensor]

  static let group = "ensemble_verify"
  /// Rows in a stored vector.
  static let rows = 2

  /// Inputs for `built` (deterministic values in [−1, 1]; 0 and 1 for token ids) and the model's outputs on them; nil when an input has an unknown dimension.
  public static func make(for built: BuiltModel) throws -> TestVector? {
    let graph = built.graph
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var inputs: [Tensor] = []
    for (ref, value) in zip(built.model.inputs, graph.inputs) {
      let features = graph.shape(value).features
      guard features.allSatisfy({ $0 != nil }) else { return nil }
      let shape = [rows] + features.map { $0 ?? 0 }
      // Token ids: an integer input, or a float one read straight by an Embedding.
      let integer =
        (built.model.layer(named: ref.layer)?.config["dtype"]?.string ?? "").contains("int")
        || built.model.layers.contains { layer in
          layer.className == "Embedding" && layer.calls.contains { $0.contains { $0.layer == ref.layer } }
        }
      let data = (0..<shape.reduce(1, *)).map { _ -> Float in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let unit = Float(state >> 40) / Float(1 << 24)
        return integer ? (unit < 0.5 ? 0 : 1) : 2 * unit - 1
      }
      inputs.append(Tensor(shape: shape, data: data))
    }
    return TestVector(inputs: inputs, outputs: try Executor(graph).predict(inputs))
  }

  /// Writes the vector into `root`.
  func write(to root: Group) throws {
    let group = try root.createGroup(TestVector.group)
    for (prefix, tensors) in [("input", inputs), ("output", outputs)] {
      for (index, tensor) in tensors.enumerated() {
        try group.writeFloats("\(prefix)\(index)", tensor.data, shape: tensor.shape)
      }
    }
  }

  /// The vector stored in `root`, if any.
  static func read(from root: Group) throws -> TestVector? {
    guard root.contains(group) else { return nil }
    let stored = try root.group(group)
    func tensors(_ prefix: String) throws -> [Tensor] {
      var result: [Tensor] = []
      while stored.contains("\(prefix)\(result.count)") {
        let dataset = try stored.dataset("\(prefix)\(result.count)")
        result.append(Tensor(shape: dataset.shape, data: try dataset.readFloats()))
      }
      return result
    }
    return TestVector(inputs: try tensors("input"), outputs: try tensors("output"))
  }
}
