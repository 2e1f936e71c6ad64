import Graph

extension LayerKind {
  /// BatchNormalization (inference): `gamma·(x − mean)/sqrt(var + ε) + beta` along `axis`,
  /// folded into one per-channel scale and shift. Weights: [gamma] [beta] moving_mean moving_variance.
  static let batchNormalization = LayerKind(
    slots: { config in
      ((config["scale"]?.bool ?? true) ? [WeightSlot("gamma")] : [])
        + ((config["center"]?.bool ?? true) ? [WeightSlot("beta")] : [])
        + [WeightSlot("moving_mean", trainable: false), WeightSlot("moving_variance", trainable: false)]
    },
    keys: ["axis", "epsilon", "center", "scale"],
    propagatesMask: true,
    build: { context in
      let axis = try context.inputShape.axis(try context.axis(default: -1))
      guard let channels = context.inputShape.dims[axis] else {
        throw context.error("the normalised axis \(axis) of \(context.inputShape) must be known")
      }
      let shape = [channels]
      var index = 0
      func next(_ name: String) throws -> [Float] {
        defer { index += 1 }
        return try context.weight(index, name, shape: shape)
      }
      let gamma = context.bool("scale", default: true) ? try next("gamma") : nil
      let beta = context.bool("center", default: true) ? try next("beta") : nil
      let mean = try next("moving_mean"), variance = try next("moving_variance")
      let epsilon = Double(context.config["epsilon"]?.double ?? 1e-3)
      var scale = [Float](repeating: 0, count: channels), shift = scale
      for c in 0..<channels {
        let s = Double(gamma?[c] ?? 1) / (Double(variance[c]) + epsilon).squareRoot()
        scale[c] = Float(s)
        shift[c] = Float(Double(beta?[c] ?? 0) - Double(mean[c]) * s)
      }
      return [try context.add(.scaleShift(ScaleShift(axis: axis, scale: scale, shift: shift)))]
    })

  /// LayerNormalization: mean and biased variance over `axis` (any feature axes),
  /// `(x − mean)/sqrt(var + ε)·gamma + beta`, or with `rms_scaling` `x/sqrt(var + ε)·gamma`.
  static let layerNormalization = LayerKind(
    slots: { config in
      let rms = config["rms_scaling"]?.bool ?? false
      return ((config["scale"]?.bool ?? true) || rms ? [WeightSlot("gamma")] : [])
        + ((config["center"]?.bool ?? true) && !rms ? [WeightSlot("beta")] : [])
    },
    keys: ["axis", "epsilon", "center", "scale", "rms_scaling"],
    // tf_keras rejects the key, which Keras 3 writes even when false.
    adapt: { config, _, _, _ in config["rms_scaling"]?.bool == true ? config : config.removing("rms_scaling") },
    caveat: { layer, _ in
      layer.config["rms_scaling"]?.bool == true
        ? "layer '\(layer.name)' uses rms_scaling, which only Keras 3 knows: tf_keras cannot load this file" : nil
    },
    propagatesMask: true,
    build: { context in
      let (axes, weightShape) = try normalisedAxes(context)
      let rms = context.bool("rms_scaling", default: false)
      var index = 0
      let gamma =
        context.bool("scale", default: true) || rms ? try context.weight(index, "gamma", shape: weightShape) : nil
      if gamma != nil { index += 1 }
      let beta =
        context.bool("center", default: true) && !rms ? try context.weight(index, "beta", shape: weightShape) : nil
      let epsilon = context.float("epsilon", default: 1e-3)
      let statistic: LayerNorm.Statistic = rms ? .varianceScaling : .standard
      return [
        try context.overAxes(axes) { x, count in
          try context.add(
            .layerNorm(LayerNorm(axes: count, gamma: gamma, beta: beta, epsilon: epsilon, statistic: statistic)), [x])
        }
      ]
    })

  /// RMSNormalization (Keras 3): `x/√(mean(x²) + ε)·scale` over `axis` (any feature axes).
  static let rmsNormalization = LayerKind(
    slots: { _ in [WeightSlot("scale")] }, keys: ["axis", "epsilon"],
    caveat: { layer, target in
      let unknown = target == .keras2 ? ["only Keras 3 knows RMSNormalization: tf_keras cannot load this file"] : []
      let notes = unknown + [listAxis(layer)].compactMap { $0 }
      return notes.isEmpty ? nil : "layer '\(layer.name)': " + notes.joined(separator: "; ")
    },
    propagatesMask: true,
    build: { context in
      let (axes, weightShape) = try normalisedAxes(context)
      let scale = try context.weight(0, "scale", shape: weightShape)
      return [
        try context.overAxes(axes) { x, count in
          let op = LayerNorm(
            axes: count, gamma: scale, beta: nil, epsilon: context.float("epsilon", default: 1e-6),
            statistic: .rootMeanSquare)
          return try context.add(.layerNorm(op), [x])
        }
      ]
    })

  /// UnitNormalization: `x·min(1/√Σx², bound)` over `axis` (any feature axes). Keras 3 takes
  /// `bound = 1/ε` with ε = 1e-12; tf_keras's `l2_normalize` takes `1/√max(Σx², ε)`, so 1/√ε.
  static let unitNormalization = LayerKind(
    slots: { _ in [] }, keys: ["axis"],
    caveat: { layer, _ in listAxis(layer).map { "layer '\(layer.name)': " + $0 } },
    propagatesMask: true,
    build: { context in
      let (axes, _) = try normalisedAxes(context)
      let bound: Float = context.dialect == .keras3 ? 1e12 : 1e6
      return [
        try context.overAxes(axes) { x, count in
          try context.add(
            .layerNorm(LayerNorm(axes: count, gamma: nil, beta: nil, epsilon: 0, statistic: .unit(bound: bound))),
            [x])
        }
      ]
    })

  /// Keras 3 reads a written file's Keras-2-style config through its legacy loader, which keeps
  /// `axis` only when it is one int (or a list of one): a list of several is dropped.
  private static func listAxis(_ layer: KerasLayer) -> String? {
    guard let axes = layer.config["axis"]?.array, axes.count > 1 else { return nil }
    return "Keras 3 drops its list of axes when it loads this file (its loader for such configs keeps one int "
      + "axis only) and would normalise over the last axis: load the file with tf_keras"
  }

  /// GroupNormalization: `groups` runs of the channels along `axis` (-1: one per channel),
  /// `(x − mean)/√(var + ε)·gamma + beta` with each run's statistics over all its positions;
  /// a channel axis other than the last is moved there and back.
  static let groupNormalization = LayerKind(
    slots: { config in
      ((config["scale"]?.bool ?? true) ? [WeightSlot("gamma")] : [])
        + ((config["center"]?.bool ?? true) ? [WeightSlot("beta")] : [])
    },
    keys: ["groups", "axis", "epsilon", "center", "scale"],
    propagatesMask: true,
    build: { context in
      let shape = context.inputShape
      let axis = try shape.axis(try context.axis(default: -1))
      guard axis > 0, let channels = shape.dims[axis] else {
        throw context.error("GroupNormalization needs a known feature axis, got axis \(axis) of \(shape)")
      }
      let requested = context.config["groups"]?.int ?? 32
      let groups = requested == -1 ? channels : requested
      guard groups > 0, channels % groups == 0 else {
        throw context.error("\(channels) channels do not split into \(requested) groups")
      }
      var index = 0
      let gamma = context.bool("scale", default: true) ? try context.weight(index, "gamma", shape: [channels]) : nil
      if gamma != nil { index += 1 }
      let beta = context.bool("center", default: true) ? try context.weight(index, "beta", shape: [channels]) : nil
      let op = LayerNorm(
        axes: shape.rank - 1, gamma: gamma, beta: beta, epsilon: context.float("epsilon", default: 1e-3),
        statistic: .grouped(groups))
      return [try context.overAxes([axis]) { x, _ in try context.add(.layerNorm(op), [x]) }]
    })

  /// The feature axes `axis` names (an int or a list), ascending, and their sizes.
  private static func normalisedAxes(_ context: LayerContext) throws -> ([Int], [Int]) {
    let shape = context.inputShape
    let raw = context.config["axis"]?.array?.compactMap(\.int) ?? [context.config["axis"]?.int ?? -1]
    let axes = try Array(Set(raw.map { try shape.axis($0) })).sorted()
    guard !axes.isEmpty, !axes.contains(0) else {
      throw context.error("normalising over axes \(raw) of \(shape) (the batch) is not supported")
    }
    let sizes = try axes.map { axis -> Int in
      guard let size = shape.dims[axis] else { throw context.error("normalised axis \(axis) must be known") }
      return size
    }
    return (axes, sizes)
  }

  /// Normalization (preprocessing): `(x − mean)/max(√variance, 1e-7)` along one axis (or all
  /// values when `axis` is None), or
  /// `mean + x·max(√variance, 1e-7)` with `invert`. mean, variance and count are weights after
  /// `adapt()`, or config lists when given at construction.
  static let preprocessingNormalization = LayerKind(
    slots: { config in
      guard config["mean"]?.isNull ?? true else { return [] }
      return ["mean", "variance", "count"].map { WeightSlot($0, trainable: false) }
    },
    keys: ["axis", "mean", "variance", "invert"],
    build: { context in
      let shape = context.inputShape
      // One statistic per index of `axis` (one int), or one for all when it is None.
      let given = context.config["axis"].map { $0.isNull ? [] : $0.array?.compactMap(\.int) ?? [$0.int ?? -1] } ?? [-1]
      guard given.count <= 1, try given.allSatisfy({ try shape.axis($0) > 0 }) else {
        throw context.error("normalising over axis \(given) of \(shape) is not supported (one feature axis, or None)")
      }
      let axis = try given.first.map { try shape.axis($0) } ?? -1
      guard let channels = given.isEmpty ? 1 : shape.dims[axis] else {
        throw context.error("normalised axis \(axis) of \(shape) must be known")
      }
      func values(_ key: String, _ index: Int) throws -> [Float] {
        if let list = context.config[key], !list.isNull {
          let numbers = (list.array ?? [list]).compactMap(\.double).map(Float.init)
          return numbers.count == 1 ? Array(repeating: numbers[0], count: channels) : numbers
        }
        guard context.layer.weights.indices.contains(index), context.layer.weights[index].count == channels else {
          throw context.error("weight '\(key)' must hold \(channels) values")
        }
        return context.layer.weights[index].data
      }
      let mean = try values("mean", 0), variance = try values("variance", 1)
      let deviation = variance.map { max($0.squareRoot(), 1e-7) }
      let op: ScaleShift
      if context.bool("invert", default: false) {
        op = ScaleShift(axis: axis, scale: deviation, shift: mean)
      } else {
        op = ScaleShift(axis: axis, scale: deviation.map { 1 / $0 }, shift: zip(mean, deviation).map { -$0 / $1 })
      }
      return [try context.add(.scaleShift(op))]
    })

  /// Rescaling: `x·scale + offset` (scalars, or per-channel lists in Keras 3).
  static let rescaling = LayerKind(
    keys: ["scale", "offset"],
    required: [("offset", 0.0)],
    build: { context in
      func values(_ key: String, _ fallback: Float) -> [Float] {
        if let list = context.config[key]?.array { return list.compactMap(\.double).map(Float.init) }
        return [context.float(key, default: fallback)]
      }
      var scale = values("scale", 1), offset = values("offset", 0)
      let width = max(scale.count, offset.count)
      if scale.count == 1 { scale = Array(repeating: scale[0], count: width) }
      if offset.count == 1 { offset = Array(repeating: offset[0], count: width) }
      return [try context.add(.scaleShift(ScaleShift(axis: -1, scale: scale, shift: offset)))]
    })
}

extension LayerKind {
  /// ConvNeXt's LayerScale: `x · γ`, one learned factor per channel (the last axis).
  static let layerScale = LayerKind(
    slots: { _ in [WeightSlot("gamma")] },
    keys: ["init_values", "projection_dim"],
    unwritable: "LayerScale belongs to keras.applications, not to the layers a loader builds without it",
    build: { context in
      guard let channels = context.inputShape.dims.last ?? nil else {
        throw context.error("LayerScale needs a known channel count, input is \(context.inputShape)")
      }
      let gamma = try context.weight(0, "gamma", shape: [channels])
      return [try context.add(.scaleShift(ScaleShift(axis: -1, scale: gamma, shift: [0])))]
    })

  /// InceptionResNetV2's CustomScaleLayer (Keras 3; `Custom>CustomScaleLayer` in tf_keras):
  /// `inputs[0] + inputs[1] · scale`.
  static let customScale = LayerKind(
    keys: ["scale"],
    unwritable: "CustomScaleLayer belongs to keras.applications, not to the layers a loader builds without it",
    build: { context in
      guard context.inputs.count == 2 else { throw context.error("CustomScaleLayer takes two inputs") }
      let scaled = try context.add(
        .scaleShift(ScaleShift(axis: -1, scale: [context.float("scale", default: 1)], shift: [0])), [context.inputs[1]])
      return [try context.add(.merge(.add), [context.inputs[0], scaled])]
    })
}

extension LayerContext {
  /// `body(x, count)`, normalising over the last `count` axes, with the (ascending, feature)
  /// `axes` moved to the end of the input first and back after.
  func overAxes(_ axes: [Int], _ body: (Graph.Value, Int) throws -> Graph.Value) throws -> Graph.Value {
    let rank = inputShape.rank
    let perm = (0..<rank).filter { !axes.contains($0) } + axes
    guard perm != Array(0..<rank) else { return try body(input, axes.count) }
    let result = try body(try add(.transpose(perm: perm), [input]), axes.count)
    return try add(.transpose(perm: (0..<rank).map { perm.firstIndex(of: $0)! }), [result])
  }
}
