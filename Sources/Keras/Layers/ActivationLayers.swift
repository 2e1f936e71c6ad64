import Graph

extension LayerKind {
  /// Activation: the named function.
  static let activation = LayerKind(
    keys: ["activation"],
    propagatesMask: true,
    build: { context in [try context.activate(context.input)] })

  /// ReLU: `max_value` if x ≥ max_value; x if threshold ≤ x; `negative_slope·(x − threshold)` below.
  static let relu = LayerKind(
    keys: ["max_value", "negative_slope", "threshold"],
    build: { context in
      let maxValue = context.config["max_value"]?.double.map(Float.init)
      let relu = Activation.relu(
        max: maxValue, slope: context.float("negative_slope", default: 0),
        threshold: context.float("threshold", default: 0))
      return [try context.add(.activation(relu))]
    })

  /// LeakyReLU: `x ≥ 0 ? x : alpha·x`; `alpha` in Keras 2, `negative_slope` in Keras 3 (0.3).
  static let leakyRelu = LayerKind(
    keys: ["alpha"],
    renames: ["alpha": "negative_slope"],
    build: { context in
      let slope = context.config["negative_slope"]?.double ?? context.config["alpha"]?.double ?? 0.3
      return [try context.add(.activation(.relu(max: nil, slope: Float(slope), threshold: 0)))]
    })

  /// ELU: `x > 0 ? x : alpha·(eˣ − 1)`.
  static let elu = LayerKind(
    keys: ["alpha"],
    build: { context in [try context.add(.activation(.elu(alpha: context.float("alpha", default: 1))))] })

  /// Softmax along `axis` (default −1).
  static let softmax = LayerKind(
    keys: ["axis"],
    build: { context in [try context.add(.softmax(axis: try context.axis(default: -1), log: false))] })

  /// PReLU: `max(0,x) + alpha·min(0,x)`; alpha has the feature shape with each
  /// `shared_axes` dimension (1-based) set to 1.
  static let prelu = LayerKind(
    slots: { _ in [WeightSlot("alpha")] },
    keys: ["shared_axes"],
    build: { context in
      var shape = context.inputShape.features.map { $0 ?? 1 }
      for axis in (context.config["shared_axes"]?.array ?? []).compactMap(\.int) where axis >= 1 && axis <= shape.count
      {
        shape[axis - 1] = 1
      }
      let alpha = try context.weight(0, "alpha", shape: shape)
      return [try context.add(.prelu(alpha: alpha, alphaShape: shape))]
    })
}
