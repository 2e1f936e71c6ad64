/// Splits off a model's final softmax or sigmoid, so that its logits can be combined before
/// the activation is applied once (the weighted product rule, in stock layers).
extension KerasModel {
  /// The model with its one output taken before a final `softmax` (over the last axis) or
  /// `sigmoid`, and that activation's name; nil when the output ends in neither.
  public func splittingFinalActivation() -> (logits: KerasModel, activation: String)? {
    guard outputs.count == 1, let ref = outputs.first, ref.tensor == 0,
      let index = layers.firstIndex(where: { $0.name == ref.layer }), layers[index].calls.count == 1
    else { return nil }
    let layer = layers[index]
    var result = self
    let activation: String
    switch layer.className {
    case "Activation":
      guard let name = layer.config["activation"]?.string, ["softmax", "sigmoid"].contains(name) else { return nil }
      activation = name
      result.outputs = layer.calls[0]
    case "Softmax":
      guard (layer.config["axis"]?.int ?? layer.config["axis"]?[0]?.int ?? -1) == -1 else { return nil }
      activation = "softmax"
      result.outputs = layer.calls[0]
    default:
      guard let name = layer.config["activation"]?.string, ["softmax", "sigmoid"].contains(name),
        !(LayerTable.kinds[layer.className]?.activationIsInternal ?? true)
      else { return nil }
      activation = name
      result.layers[index].config = layer.config.setting("activation", "linear")
    }
    guard result.outputs.count == 1 else { return nil }
    let needed = result.ancestors(of: result.outputs[0].layer)
    let inputNames = Set(inputs.map(\.layer))
    result.layers = result.layers.filter { needed.contains($0.name) || inputNames.contains($0.name) }
    return (result, activation)
  }
}
