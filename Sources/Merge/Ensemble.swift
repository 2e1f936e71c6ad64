import Graph
import JSON
import Keras

/// Builds one Keras model from N members and a merge mode: every member's layers inlined
/// (renamed `m<i>_<name>` when names clash), one shared input set when all members take the
/// same inputs (else one input per member input, in order), and the merge made of stock
/// Keras layers: Add, Multiply, Average, Maximum, Minimum, Concatenate, and for weights one
/// Rescaling(wᵢ) per member followed by Add. The result is just another `KerasModel`: it
/// predicts, summarises and writes through the same code as any loaded model.
public enum Ensemble {
  public struct Member {
    public let name: String
    public let model: KerasModel

    public init(name: String, model: KerasModel) {
      self.name = name
      self.model = model
    }
  }

  public static func merge(_ members: [Member], mode: MergeMode, separateInputs: Bool = false) throws -> KerasModel {
    guard members.count >= 2 else { throw MergeError("a merge needs at least two models, got \(members.count)") }
    let flat = members.map { Member(name: $0.name, model: $0.model.inlined().withPortableHardSigmoid()) }
    let signatures = try flat.map { try Signature($0) }
    try checkOutputs(signatures, mode: mode)
    let shared = !separateInputs && Set(signatures.map(\.inputKey)).count == 1
    let prefixed = needsPrefix(flat, shared: shared)
    var layers: [KerasLayer] = []
    var inputs: [TensorRef] = []
    var outputs: [TensorRef] = []
    if shared {
      for layer in flat[0].model.inputs.compactMap({ flat[0].model.layer(named: $0.layer) }) {
        layers.append(layer)
        inputs.append(TensorRef(layer: layer.name, node: 0, tensor: 0))
      }
    }
    for (index, member) in flat.enumerated() {
      let model = member.model
      let rename: (String) -> String = { prefixed ? "m\(index)_\($0)" : $0 }
      let inputNames = model.inputs.map(\.layer)
      func map(_ ref: TensorRef) -> TensorRef {
        if shared, let position = inputNames.firstIndex(of: ref.layer) { return inputs[position] }
        return TensorRef(layer: rename(ref.layer), node: ref.node, tensor: ref.tensor)
      }
      for layer in model.layers where !(shared && inputNames.contains(layer.name)) {
        var copy = layer
        copy.name = rename(layer.name)
        copy.config = copy.config.setting("name", .string(copy.name))
        copy.calls = layer.calls.map { $0.map(map) }
        layers.append(copy)
      }
      if !shared { inputs += model.inputs.map(map) }
      outputs.append(map(model.outputs[0]))
    }
    let output = mergeLayers(mode, outputs: outputs, into: &layers)
    return KerasModel(
      name: "ensemble", isSequential: false, layers: layers, inputs: inputs, outputs: [output],
      dialect: .keras2, kerasVersion: nil)
  }

  /// Appends the merge layers after the members' outputs and returns the final output.
  static func mergeLayers(_ mode: MergeMode, outputs: [TensorRef], into layers: inout [KerasLayer]) -> TensorRef {
    func add(_ className: String, _ base: String, _ config: JSONValue, _ inputs: [TensorRef]) -> TensorRef {
      var name = base, counter = 1
      while layers.contains(where: { $0.name == name }) {
        name = "\(base)_\(counter)"
        counter += 1
      }
      layers.append(
        KerasLayer(
          className: className, name: name, config: config.setting("name", .string(name)), calls: [inputs]))
      return TensorRef(layer: name, node: 0, tensor: 0)
    }
    switch mode {
    case .sum: return add("Add", "ensemble_sum", [:], outputs)
    case .product: return add("Multiply", "ensemble_product", [:], outputs)
    case .average: return add("Average", "ensemble_average", [:], outputs)
    case .max: return add("Maximum", "ensemble_max", [:], outputs)
    case .min: return add("Minimum", "ensemble_min", [:], outputs)
    case .concat(let axis): return add("Concatenate", "ensemble_concat", ["axis": .number(Double(axis))], outputs)
    case .weighted(let weights):
      let scaled = zip(weights, outputs).enumerated().map { index, pair in
        add("Rescaling", "ensemble_weight_\(index)", ["scale": .number(Double(pair.0)), "offset": 0.0], [pair.1])
      }
      return add("Add", "ensemble_weighted", [:], scaled)
    }
  }

  /// Whether members' layer names clash (then every member's layers get `m<i>_`).
  static func needsPrefix(_ members: [Member], shared: Bool) -> Bool {
    var seen = Set<String>()
    for (index, member) in members.enumerated() {
      let inputNames = Set(member.model.inputs.map(\.layer))
      for layer in member.model.layers where !(shared && index > 0 && inputNames.contains(layer.name)) {
        if !seen.insert(layer.name).inserted { return true }
      }
    }
    return false
  }

  /// Checks, before any compute, that the mode can combine the members' outputs.
  static func checkOutputs(_ signatures: [Signature], mode: MergeMode) throws {
    let shapes = signatures.map(\.output)
    let listing = signatures.map { "\($0.name) gives \($0.output)" }.joined(separator: ", ")
    if case .weighted(let weights) = mode, weights.count != signatures.count {
      throw MergeError("\(weights.count) weights for \(signatures.count) models")
    }
    if case .concat(let axis) = mode {
      let rank = shapes[0].rank
      guard shapes.allSatisfy({ $0.rank == rank }) else {
        throw MergeError("cannot concatenate outputs of different ranks: \(listing)")
      }
      let resolved = axis < 0 ? axis + rank : axis
      guard resolved >= 1, resolved < rank else {
        throw MergeError("--axis \(axis) is not a feature axis of outputs of rank \(rank) (\(listing))")
      }
      for dim in 1..<rank where dim != resolved {
        guard Set(shapes.map { $0.dims[dim] }).count == 1 else {
          throw MergeError("cannot concatenate along axis \(axis): dimension \(dim) differs (\(listing))")
        }
      }
      return
    }
    guard Set(shapes.map { Shape($0.features) }).count == 1 else {
      throw MergeError("\(mode) needs outputs of one shape, but \(listing); --concat joins outputs of different widths")
    }
  }
}

/// What the merge needs to know of a member: its input signature and its one output shape.
struct Signature {
  let name: String
  let inputKey: [String]
  let output: Shape

  init(_ member: Ensemble.Member) throws {
    name = member.name
    let model = member.model
    let built: BuiltModel
    do {
      built = try model.build()
    } catch let error as KerasError {
      var named = error
      if named.file == nil { named.file = member.name }
      throw named
    }
    let graph = built.graph
    guard graph.outputs.count == 1 else {
      throw MergeError(
        "\(member.name) has \(graph.outputs.count) outputs (\(model.outputs.map(\.layer).joined(separator: ", "))); "
          + "each model in a merge must have exactly one")
    }
    output = graph.shape(graph.outputs[0])
    if model.dialect == .keras3, let layer = model.layers.first(where: { $0.config.contains(string: "hard_sigmoid") }) {
      throw MergeError(
        "\(member.name): layer '\(layer.name)' uses hard_sigmoid inside a recurrent or wrapped layer, which Keras 3 "
          + "computes as clip(x/6 + 0.5) and Keras 2 as clip(0.2x + 0.5); a merged file cannot keep its meaning")
    }
    inputKey = zip(model.inputs, graph.inputs).map { ref, value in
      let dtype = model.layer(named: ref.layer)?.config["dtype"]?.string ?? "float32"
      return "\(Shape(graph.shape(value).features))/\(dtype)"
    }
  }
}
