import JSON

/// Replaces nested Sequential/Functional layers by their own layers, so a model is one flat
/// Functional graph, as a merged file must be (nested Functional sub-models do not load in
/// both Keras versions). Inner layers are renamed `<submodel>_<layer>`; a
/// sub-model called k times makes each inner layer shared, with k times its calls.
extension BuiltModel {
  /// The built model as one flat Functional model, as a written file must be; the graph is
  /// rebuilt only when there were nested models to inline.
  func flat() throws -> BuiltModel {
    var flat = model.inlined().lowered()
    flat.isSequential = false
    guard model.layers.contains(where: { $0.submodel != nil }) else { return BuiltModel(model: flat, builder: builder) }
    return try flat.build()
  }
}

extension KerasModel {
  public func inlined() -> KerasModel {
    guard layers.contains(where: { $0.submodel != nil }) else { return self }
    var result = self
    result.isSequential = false
    let offsets = NodeOffsets(self)
    var outputOf: [String: [[TensorRef]]] = [:]
    var flat: [KerasLayer] = []
    for layer in layers {
      guard let inner = layer.submodel?.inlined() else {
        flat.append(layer)
        continue
      }
      let prefix = layer.name + "_"
      let innerOffsets = NodeOffsets(inner)
      let callsOf = Dictionary(inner.layers.map { ($0.name, max($0.calls.count, 1)) }, uniquingKeysWith: { a, _ in a })
      var copies = inner.layers.filter { !inner.inputs.map(\.layer).contains($0.name) }
      for index in copies.indices { copies[index].calls = [] }
      var outputs: [[TensorRef]] = []
      for (callIndex, callRefs) in layer.calls.enumerated() {
        func map(_ ref: TensorRef) -> TensorRef {
          if let position = inner.inputs.firstIndex(where: { $0.layer == ref.layer }) {
            return callRefs[min(position, callRefs.count - 1)]
          }
          let node = callIndex * (callsOf[ref.layer] ?? 1) + innerOffsets.call(for: ref)
          return TensorRef(layer: prefix + ref.layer, node: node, tensor: ref.tensor)
        }
        for index in copies.indices {
          let original = inner.layers.first { $0.name == copies[index].name }
          copies[index].calls += (original?.calls ?? []).map { $0.map(map) }
        }
        outputs.append(inner.outputs.map(map))
      }
      outputOf[layer.name] = outputs
      for var copy in copies {
        result.origins[prefix + copy.name] = origins[layer.name] ?? "nested model '\(layer.name)'"
        copy.name = prefix + copy.name
        copy.config = copy.config.setting("name", .string(copy.name))
        flat.append(copy)
      }
    }
    func redirect(_ ref: TensorRef) -> TensorRef {
      guard let outputs = outputOf[ref.layer] else { return ref }
      return outputs[offsets.call(for: ref)][ref.tensor]
    }
    result.layers = flat.map { layer in
      var copy = layer
      copy.calls = layer.calls.map { $0.map(redirect) }
      return copy
    }
    result.outputs = outputs.map(redirect)
    return result
  }
}
