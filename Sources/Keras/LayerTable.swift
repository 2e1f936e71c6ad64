/// The only map from Keras class names to layer kinds. Aliases live here, not in `if` chains.
enum LayerTable {
  static let kinds: [String: LayerKind] = [
    "InputLayer": .identity,
    "Dense": .dense,
    "Activation": .activation,
    "ReLU": .relu,
    "LeakyReLU": .leakyRelu,
    "PReLU": .prelu,
    "ELU": .elu,
    "Softmax": .softmax,
    "Dropout": .identity,
    "SpatialDropout1D": .identity,
    "SpatialDropout2D": .identity,
    "SpatialDropout3D": .identity,
    "GaussianNoise": .identity,
    "GaussianDropout": .identity,
    "AlphaDropout": .identity,
    "ActivityRegularization": .identity,
    "Flatten": .flatten,
    "Reshape": .reshape,
    "Permute": .permute,
    "RepeatVector": .repeatVector,
    "Rescaling": .rescaling,
    "BatchNormalization": .batchNormalization,
    "LayerNormalization": .layerNormalization,
    "Add": .merging(.add),
    "Subtract": .merging(.subtract),
    "Multiply": .merging(.multiply),
    "Average": .merging(.average),
    "Maximum": .merging(.maximum),
    "Minimum": .merging(.minimum),
    "Concatenate": .concatenate,
    "Embedding": .embedding,
  ]

  /// The kind for a layer, or an error naming the class and the layer.
  static func kind(for layer: KerasLayer) throws -> LayerKind {
    if let kind = kinds[layer.className] { return kind }
    if layer.className == "Lambda" || layer.className == "TFOpLambda" || layer.className == "SlicingOpLambda" {
      throw KerasError(
        layer: layer.name, className: layer.className,
        "Lambda layers hold Python bytecode, which ensemble never runs; rebuild the model with "
          + "built-in layers")
    }
    throw KerasError(layer: layer.name, className: layer.className, "unsupported layer class '\(layer.className)'")
  }

  /// The weights a layer stores; a nested model stores all its layers' trainable weights,
  /// then all their non-trainable ones.
  static func slots(for layer: KerasLayer) throws -> [WeightSlot] {
    if let model = layer.submodel {
      let all = try LayerOrder.of(model).flatMap { index -> [WeightSlot] in
        let inner = model.layers[index]
        return try slots(for: inner).map {
          WeightSlot("\(inner.name)/\($0.name)", trainable: $0.trainable && inner.trainable)
        }
      }
      return all.filter(\.trainable) + all.filter { !$0.trainable }
    }
    let own = try kind(for: layer).slots(layer.config)
    return layer.trainable ? own : own.map { WeightSlot($0.name, trainable: false) }
  }
}
