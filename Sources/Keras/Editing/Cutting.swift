/// `--layer`: a model cut at one layer's output, as `keras.Model(model.input,
/// model.layers[k].output)` would be; the layers after it are dropped.
public enum LayerChoice: Equatable, CustomStringConvertible {
  /// A layer by its name.
  case name(String)
  /// A layer by its position in Keras's `model.layers`; negative counts from the end (−1 last).
  case index(Int)

  /// `-2` is an index, anything else a name.
  public init(_ text: String) {
    self = Int(text).map(LayerChoice.index) ?? .name(text)
  }

  public var description: String {
    switch self {
    case .name(let name): return "'\(name)'"
    case .index(let index): return "\(index)"
    }
  }
}

extension KerasModel {
  /// The model whose one output is the chosen layer's, keeping only the layers it needs.
  /// A layer that does not exist, is called more than once or gives several tensors is an
  /// error listing the layers that can be chosen.
  public func cut(at choice: LayerChoice) throws -> KerasModel {
    let listed = orderedLayers
    let layer: KerasLayer
    switch choice {
    case .name(let name):
      guard let found = listed.first(where: { $0.name == name }) else { throw cutError(choice, "no such layer") }
      layer = found
    case .index(let index):
      let position = index < 0 ? listed.count + index : index
      guard listed.indices.contains(position) else {
        throw cutError(choice, "the model has \(listed.count) layers (0…\(listed.count - 1), or −1…−\(listed.count))")
      }
      layer = listed[position]
    }
    guard cuttable(layer) else {
      throw cutError(choice, "layer '\(layer.name)' is called more than once or gives several tensors")
    }
    var result = self
    result.outputs = [TensorRef(layer: layer.name, node: 0, tensor: 0)]
    let needed = result.ancestors(of: layer.name)
    let inputNames = Set(inputs.map(\.layer))
    result.layers = layers.filter { needed.contains($0.name) || inputNames.contains($0.name) }
    return result
  }

  /// Whether a layer has one call site and one output tensor, so its output names one tensor.
  private func cuttable(_ layer: KerasLayer) -> Bool {
    guard layer.calls.count <= 1 else { return false }
    if let submodel = layer.submodel, submodel.outputs.count != 1 { return false }
    let refs = layers.flatMap { $0.calls.flatMap { $0 } } + outputs
    return !refs.contains { $0.layer == layer.name && $0.tensor > 0 }
  }

  private func cutError(_ choice: LayerChoice, _ reason: String) -> KerasError {
    let valid = orderedLayers.enumerated().filter { cuttable($0.element) }.map { "\($0.offset) \($0.element.name)" }
    return KerasError("\(choice): \(reason); layers that can be chosen: \(valid.joined(separator: ", "))")
  }

  /// The names of `name` and every layer it reads from, directly or not.
  func ancestors(of name: String) -> Set<String> {
    var seen: Set<String> = []
    var pending = [name]
    while let next = pending.popLast() {
      guard seen.insert(next).inserted, let layer = layer(named: next) else { continue }
      pending += layer.calls.flatMap { $0.map(\.layer) }
    }
    return seen
  }
}
