import JSON

/// `hard_sigmoid` is `clip(0.2x + 0.5, 0, 1)` in Keras 2 and `clip(x/6 + 0.5, 0, 1)` in Keras 3,
/// and a loader applies its own. A file meant for both therefore spells it out in stock layers:
/// the layer's activation becomes linear, followed by `Rescaling(a, 0.5)` and
/// `ReLU(max_value=1)`, with `a` from the model's own Keras. Exact in every loader.
///
/// A recurrent `hard_sigmoid` acts inside the cell and cannot be split off: from a Keras 3
/// model it is refused (no loader of an `.h5` would compute it as Keras 3 did), and from a
/// Keras 2 model it is kept, exact in tf_keras, with a note.
extension KerasModel {
  /// The model with every splittable `hard_sigmoid` written out in stock layers; throws when a
  /// Keras 3 model keeps one that cannot be split.
  public func withPortableHardSigmoid() throws -> KerasModel {
    let slope = dialect == .keras2 ? 0.2 : 1.0 / 6.0
    var result = self
    var redirect: [String: String] = [:]
    var rewritten: [KerasLayer] = []
    for var layer in layers {
      guard layer.config["activation"]?.string == "hard_sigmoid",
        !(LayerTable.kinds[layer.className]?.activationIsInternal ?? false)
      else {
        rewritten.append(layer)
        continue
      }
      layer.config = layer.config.setting("activation", "linear")
      rewritten.append(layer)
      var previous = layer.name
      for (stock, suffix) in [(StockLayer.rescaling(scale: slope, offset: 0.5), "scale"), (.relu(maxValue: 1), "clip")]
      {
        let name = "\(layer.name)_hard_sigmoid_\(suffix)"
        let source = previous
        rewritten.append(
          KerasLayer(
            className: stock.className, name: name, config: stock.config(name: name),
            calls: layer.calls.indices.map { [TensorRef(layer: source, node: $0, tensor: 0)] }))
        previous = name
      }
      redirect[layer.name] = previous
    }
    let added = Set(redirect.keys.flatMap { ["\($0)_hard_sigmoid_scale", "\($0)_hard_sigmoid_clip"] })
    func follow(_ ref: TensorRef) -> TensorRef {
      guard let target = redirect[ref.layer] else { return ref }
      return TensorRef(layer: target, node: ref.node, tensor: ref.tensor)
    }
    result.layers = rewritten.map { layer in
      var copy = layer
      if !added.contains(layer.name) { copy.calls = layer.calls.map { $0.map(follow) } }
      return copy
    }
    result.outputs = outputs.map(follow)
    if dialect == .keras3, let kept = result.keptHardSigmoid {
      throw KerasError(
        layer: kept.name, className: kept.className,
        "uses hard_sigmoid inside a recurrent or wrapped layer, which Keras 3 computes as clip(x/6 + 0.5) "
          + "and Keras 2 as clip(0.2x + 0.5); a merged file cannot keep its meaning")
    }
    return result
  }

  /// Activation names that Keras 3 defines and tf_keras does not.
  static let keras3Activations: Set<String> = [
    "hard_silu", "hard_swish", "log_sigmoid", "squareplus", "tanh_shrink", "hard_tanh", "soft_shrink", "sparse_plus",
    "celu", "glu", "hard_shrink", "threshold",
  ]

  /// The first layer still holding a `hard_sigmoid` (inside a recurrent or wrapped layer).
  var keptHardSigmoid: KerasLayer? { layers.first { $0.config.contains(string: "hard_sigmoid") } }

  /// What a user should know before loading this model's file elsewhere: each layer kind's
  /// caveat for `target`, and a kept recurrent `hard_sigmoid`.
  public func caveats(for target: ModelWriter.Target) -> [String] {
    var notes = layers.compactMap { layer in LayerTable.kinds[layer.className]?.caveat?(layer, target) }
    if target == .keras2,
      let layer = layers.first(where: { Self.keras3Activations.contains($0.config["activation"]?.string ?? "") })
    {
      notes.append(
        "layer '\(layer.name)' uses the activation '\(layer.config["activation"]?.string ?? "")', which only Keras 3 "
          + "knows: tf_keras cannot load this file")
    }
    if let kept = keptHardSigmoid {
      notes.append(
        "layer '\(kept.name)' keeps a recurrent hard_sigmoid, which Keras 3 computes as clip(x/6 + 0.5) "
          + "where tf_keras and ensemble compute clip(0.2x + 0.5): the file is exact in tf_keras")
    }
    var seen = Set<String>()
    return notes.filter { seen.insert($0).inserted }
  }
}
