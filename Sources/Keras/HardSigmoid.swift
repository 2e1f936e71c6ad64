import JSON

/// `hard_sigmoid` is `clip(0.2x + 0.5, 0, 1)` in Keras 2 and `clip(x/6 + 0.5, 0, 1)` in Keras 3,
/// and a loader applies its own. A file meant for both therefore spells it out in stock layers:
/// the layer's activation becomes linear, followed by `Rescaling(a, 0.5)` and
/// `ReLU(max_value=1)`, with `a` from the model's own Keras. Exact in every loader.
extension KerasModel {
  public func withPortableHardSigmoid() -> KerasModel {
    let slope = dialect == .keras2 ? 0.2 : 1.0 / 6.0
    var result = self
    var redirect: [String: String] = [:]
    var rewritten: [KerasLayer] = []
    for var layer in layers {
      guard layer.config["activation"]?.string == "hard_sigmoid", RecurrentLayer.cell(layer.className) == nil else {
        rewritten.append(layer)
        continue
      }
      layer.config = layer.config.setting("activation", "linear")
      let scale = layer.name + "_hard_sigmoid_scale", clip = layer.name + "_hard_sigmoid_clip"
      let calls = layer.calls.indices
      rewritten.append(layer)
      rewritten.append(
        KerasLayer(
          className: "Rescaling", name: scale,
          config: ["name": .string(scale), "scale": .number(slope), "offset": 0.5],
          calls: calls.map { [TensorRef(layer: layer.name, node: $0, tensor: 0)] }))
      rewritten.append(
        KerasLayer(
          className: "ReLU", name: clip, config: ["name": .string(clip), "max_value": 1.0],
          calls: calls.map { [TensorRef(layer: scale, node: $0, tensor: 0)] }))
      redirect[layer.name] = clip
    }
    func follow(_ ref: TensorRef) -> TensorRef {
      guard let target = redirect[ref.layer] else { return ref }
      return TensorRef(layer: target, node: ref.node, tensor: ref.tensor)
    }
    result.layers = rewritten.map { layer in
      var copy = layer
      if !layer.name.hasSuffix("_hard_sigmoid_scale") { copy.calls = layer.calls.map { $0.map(follow) } }
      return copy
    }
    result.outputs = outputs.map(follow)
    return result
  }
}
