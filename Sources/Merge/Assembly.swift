import Keras

/// The members' layers side by side in one model, before the merge: inputs shared or kept
/// apart, names prefixed `m<i>_` when any clash (and `/` spelled `_`), and the members'
/// outputs as the outputs.
struct Assembly {
  let model: KerasModel
  /// Where each layer of the assembly came from: its member's name and its own name.
  let origin: [String: (member: String, layer: String)]

  init(_ members: [Ensemble.Member], shared: Bool) {
    let prefixed = Assembly.namesClash(members, shared: shared)
    var layers: [KerasLayer] = []
    var inputs: [TensorRef] = []
    var outputs: [TensorRef] = []
    var origin: [String: (member: String, layer: String)] = [:]
    if shared, let first = members.first?.model {
      for layer in first.inputs.compactMap({ first.layer(named: $0.layer) }) {
        layers.append(layer)
        inputs.append(TensorRef(layer: layer.name, node: 0, tensor: 0))
      }
    }
    for (index, member) in members.enumerated() {
      let model = member.model
      // Keras 3 refuses `/` in a layer name, which tf_keras's applications use (`Conv/BatchNorm`).
      let rename: (String) -> String = { name in
        (prefixed ? "m\(index)_" : "")
          + name.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "_")
      }
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
        origin[copy.name] = (member.name, layer.name)
        layers.append(copy)
      }
      if !shared { inputs += model.inputs.map(map) }
      outputs.append(map(model.outputs[0]))
    }
    var model = KerasModel(
      name: "ensemble", isSequential: false, layers: layers, inputs: inputs, outputs: outputs, dialect: .keras2,
      kerasVersion: nil)
    model.origins = origin.mapValues(\.member)
    model.memberOutputs = outputs
    self.model = model
    self.origin = origin
  }

  /// Whether members' layer names clash (then every member's layers get `m<i>_`).
  static func namesClash(_ members: [Ensemble.Member], shared: Bool) -> Bool {
    var seen = Set<String>()
    for (index, member) in members.enumerated() {
      let inputNames = Set(member.model.inputs.map(\.layer))
      for layer in member.model.layers where !(shared && index > 0 && inputNames.contains(layer.name)) {
        if !seen.insert(layer.name).inserted { return true }
      }
    }
    return false
  }
}
