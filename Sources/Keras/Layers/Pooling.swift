import Graph

extension LayerKind {
  /// MaxPooling1D/2D and AveragePooling1D/2D: 'same' pads with −∞ for max and averages over
  /// valid cells only. `strides` defaults to `pool_size`.
  static func pooling(_ kind: Pooling.Kind, axes: Int) -> LayerKind {
    LayerKind(
      keys: ["pool_size", "strides", "padding", "data_format"],
      build: { context in
        [
          try context.channelsLast { x in
            let size = try context.window("pool_size", axes: axes, default: 2)
            let strides = try context.window("strides", axes: axes, default: size[0])
            let op = Pooling(kind: kind, size: size, strides: strides, padding: try context.padding())
            return try context.add(.pooling(op), [x])
          }
        ]
      })
  }

  /// GlobalMax/GlobalAveragePooling1D/2D: over every spatial position, `keepdims` optional.
  static func globalPooling(_ kind: Pooling.Kind) -> LayerKind {
    LayerKind(
      keys: ["data_format", "keepdims"],
      build: { context in
        let keepDims = context.bool("keepdims", default: false)
        let transposedInput = context.string("data_format", default: "channels_last") == "channels_first"
        if transposedInput && keepDims {
          return [try context.channelsLast { x in try context.add(.globalPooling(kind, keepDims: true), [x]) }]
        }
        if kind == .average, !keepDims, !transposedInput, let mask = context.inputMask, context.inputShape.rank == 3 {
          return [try context.add(.maskedAverage, [context.input, mask])]
        }
        var x = context.input
        if transposedInput {
          let rank = context.inputShape.rank
          x = try context.add(.transpose(perm: [0] + Array(2..<rank) + [1]))
        }
        return [try context.add(.globalPooling(kind, keepDims: keepDims), [x])]
      })
  }

  /// AdaptiveAverage/AdaptiveMaxPooling1D/2D/3D (Keras 3): `output_size` windows along each
  /// spatial axis, pooled one axis after the other (the same for means and maxima of boxes):
  /// window i of n inputs into m starts at ⌊i·n/m⌋ and, as Keras's two-pool gather takes it, is
  /// ⌈n/m⌉ + 1 long when ⌈(i+1)·n/m⌉ − ⌊i·n/m⌋ says so, else ⌈n/m⌉ (in float32, as Keras).
  static func adaptivePooling(_ kind: Pooling.Kind, axes: Int) -> LayerKind {
    LayerKind(
      keys: ["output_size", "data_format"],
      build: { context in
        [
          try context.channelsLast { x in
            var value = x
            for (index, m) in try context.window("output_size", axes: axes).enumerated() {
              let axis = index + 1, shape = context.graph.shape(value)
              let features = shape.features.compactMap { $0 }
              guard features.count == shape.rank - 1, let n = shape.dims[axis], m >= 1 else {
                throw context.error("adaptive pooling needs every input dimension known, input is \(shape)")
              }
              let small = Int((Double(n) / Double(m)).rounded(.up))
              let parts = try (0..<m).map { i -> Graph.Value in
                let end = min(Int((Float(i + 1) * Float(n) / Float(m)).rounded(.up)), n)
                let start = min(Int((Float(i) * Float(n) / Float(m)).rounded(.down)), n - 1)
                let size = min(end - start == small + 1 ? small + 1 : small, n - start)
                let ranges = features.enumerated().map { position, length in
                  position + 1 == axis
                    ? StridedRange(start: start, stop: start + size, step: 1)
                    : StridedRange(start: 0, stop: length, step: 1)
                }
                let window = try context.add(.slice(ranges), [value])
                let reduction = Reduction(kind: kind == .max ? .max : .mean, axes: [axis], keepDims: true)
                return try context.add(.reduce(reduction), [window])
              }
              value = parts.count == 1 ? parts[0] : try context.add(.concat(axis: axis), parts)
            }
            return value
          }
        ]
      })
  }
}
