import Graph

extension LayerKind {
  /// Dense: `activation(x·kernel + bias)` over the last axis of any rank.
  /// Weights: kernel `(in, units)`, bias `(units)` when `use_bias`.
  static let dense = LayerKind(
    slots: { config in
      [WeightSlot("kernel")] + ((config["use_bias"]?.bool ?? true) ? [WeightSlot("bias")] : [])
    },
    keys: ["units", "activation", "use_bias"],
    propagatesMask: true,
    build: { context in
      let units = try context.int("units")
      guard let inputs = context.inputShape.dims.last ?? nil else {
        throw context.error("the last input dimension must be known, input is \(context.inputShape)")
      }
      let kernel = try context.weight(0, "kernel", shape: [inputs, units])
      let bias = context.bool("use_bias", default: true) ? try context.weight(1, "bias", shape: [units]) : nil
      let value = try context.add(.dense(Dense(kernel: kernel, bias: bias, inputs: inputs, units: units)))
      return [try context.activate(value)]
    })
}
