import Graph
import HDF5

/// Reads a `model_weights` group (or a weights-only file's root) and assigns the weights by
/// position, as Keras does: the k-th layer that has weights, in Keras's layer order, gets the
/// k-th group in `layer_names` whose `weight_names` is non-empty. Names are never compared.
enum WeightLoader {
  /// The weighted groups of a weights group, in `layer_names` order.
  static func groups(in root: Group) throws -> [(name: String, weights: [Tensor])] {
    guard let names = try root.chunkedStringsAttribute("layer_names") else {
      throw KerasError("\(root.path) has no layer_names attribute")
    }
    var groups: [(String, [Tensor])] = []
    for name in names {
      let group = try root.group(name)
      let weightNames = try group.chunkedStringsAttribute("weight_names") ?? []
      guard !weightNames.isEmpty else { continue }
      let weights = try weightNames.map { weightName -> Tensor in
        let dataset = try group.dataset(weightName)
        return Tensor(shape: dataset.shape, data: try dataset.readFloats())
      }
      groups.append((name, weights))
    }
    return groups
  }

  /// Puts `groups` into the model's weighted layers, in order, checking counts.
  static func assign(_ groups: [(name: String, weights: [Tensor])], to model: inout KerasModel) throws {
    let weighted = try LayerOrder.of(model).filter { !(try LayerTable.slots(for: model.layers[$0])).isEmpty }
    guard weighted.count == groups.count else {
      let names = weighted.map { model.layers[$0].name }
      throw KerasError(
        "the model has \(weighted.count) layers with weights (\(names.joined(separator: ", "))), "
          + "the file has weights for \(groups.count) (\(groups.map(\.name).joined(separator: ", ")))")
    }
    for (index, group) in zip(weighted, groups) {
      let layer = model.layers[index]
      let slots = try LayerTable.slots(for: layer)
      guard slots.count == group.weights.count else {
        throw KerasError(
          layer: layer.name, className: layer.className,
          "expected \(slots.count) weights (\(slots.map(\.name).joined(separator: ", "))), "
            + "weight group '\(group.name)' has \(group.weights.count)")
      }
      model.layers[index].weights = group.weights
      if model.layers[index].submodel != nil { try distribute(into: &model.layers[index]) }
    }
  }

  /// Splits a nested model's flattened weights (all trainable, then all non-trainable) back
  /// onto its layers.
  static func distribute(into layer: inout KerasLayer) throws {
    guard var model = layer.submodel else { return }
    var places: [(layer: Int, slot: Int, trainable: Bool)] = []
    for index in LayerOrder.of(model) {
      let inner = model.layers[index]
      for (slot, weight) in try LayerTable.slots(for: inner).enumerated() {
        places.append((index, slot, weight.trainable && inner.trainable))
      }
    }
    let ordered = places.filter(\.trainable) + places.filter { !$0.trainable }
    for index in model.layers.indices {
      model.layers[index].weights = Array(
        repeating: Tensor(zeros: [0]), count: places.filter { $0.layer == index }.count)
    }
    for (place, weight) in zip(ordered, layer.weights) { model.layers[place.layer].weights[place.slot] = weight }
    for index in model.layers.indices where model.layers[index].submodel != nil {
      try distribute(into: &model.layers[index])
    }
    layer.submodel = model
  }
}
