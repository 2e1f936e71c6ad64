import Graph

extension LayerKind {
  static let convolutionKeys = [
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups", "activation", "use_bias",
  ]

  /// Conv1D / Conv2D: `y = activation(conv(x, kernel) + bias)`, kernel `(k…, in/groups, filters)`.
  static func convolution(axes: Int) -> LayerKind {
    LayerKind(
      slots: { config in [WeightSlot("kernel")] + ((config["use_bias"]?.bool ?? true) ? [WeightSlot("bias")] : []) },
      keys: convolutionKeys,
      build: { context in
        [
          try context.channelsLast { x in
            let channels = try context.channels(of: x)
            let filters = try context.int("filters"), groups = context.int("groups", default: 1)
            let size = try context.window("kernel_size", axes: axes)
            guard groups > 0, channels % groups == 0, filters % groups == 0 else {
              throw context.error("groups \(groups) must divide input channels \(channels) and filters \(filters)")
            }
            let kernel = try context.weight(0, "kernel", shape: size + [channels / groups, filters])
            let bias = context.bool("use_bias", default: true) ? try context.weight(1, "bias", shape: [filters]) : nil
            let op = Convolution(
              kernel: kernel, bias: bias, size: size, strides: try context.window("strides", axes: axes, default: 1),
              dilation: try context.window("dilation_rate", axes: axes, default: 1), padding: try context.padding(),
              groups: groups, inputs: channels, filters: filters)
            return try context.activate(try context.add(.convolution(op), [x]))
          }
        ]
      })
  }

  /// DepthwiseConv1D / 2D: each input channel convolved with its own `depth_multiplier`
  /// kernels; kernel `(k…, in, multiplier)`, bias `(in·multiplier)`.
  static func depthwise(axes: Int) -> LayerKind {
    LayerKind(
      slots: { config in
        [WeightSlot("depthwise_kernel")] + ((config["use_bias"]?.bool ?? true) ? [WeightSlot("bias")] : [])
      },
      keys: [
        "kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate", "activation",
        "use_bias",
      ],
      build: { context in
        [
          try context.channelsLast { x in
            let op = try context.depthwiseOp(
              x, axes: axes, weight: 0, bias: context.bool("use_bias", default: true) ? 1 : nil)
            return try context.activate(try context.add(.convolution(op), [x]))
          }
        ]
      })
  }

  /// SeparableConv1D / 2D: a depthwise convolution (no bias), then a 1×1 convolution with
  /// `pointwise_kernel (1…, in·multiplier, filters)` and the bias.
  static func separable(axes: Int) -> LayerKind {
    LayerKind(
      slots: { config in
        [WeightSlot("depthwise_kernel"), WeightSlot("pointwise_kernel")]
          + ((config["use_bias"]?.bool ?? true) ? [WeightSlot("bias")] : [])
      },
      keys: [
        "filters", "kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate",
        "activation", "use_bias",
      ],
      build: { context in
        [
          try context.channelsLast { x in
            let depthwise = try context.depthwiseOp(x, axes: axes, weight: 0, bias: nil)
            let filters = try context.int("filters")
            let ones = Array(repeating: 1, count: axes)
            let pointwise = try context.weight(1, "pointwise_kernel", shape: ones + [depthwise.filters, filters])
            let bias = context.bool("use_bias", default: true) ? try context.weight(2, "bias", shape: [filters]) : nil
            let op = Convolution(
              kernel: pointwise, bias: bias, size: ones, strides: ones, dilation: ones, padding: .valid, groups: 1,
              inputs: depthwise.filters, filters: filters)
            let mid = try context.add(.convolution(depthwise), [x])
            return try context.activate(try context.add(.convolution(op), [mid]))
          }
        ]
      })
  }

  /// Conv1DTranspose / Conv2DTranspose / Conv3DTranspose, kernel `(k…, filters, in)`.
  static func transposed(axes: Int) -> LayerKind {
    LayerKind(
      slots: { config in [WeightSlot("kernel")] + ((config["use_bias"]?.bool ?? true) ? [WeightSlot("bias")] : []) },
      keys: [
        "filters", "kernel_size", "strides", "padding", "output_padding", "data_format", "dilation_rate", "activation",
        "use_bias",
      ],
      caveat: { layer, _ in
        // tf_keras's Conv3DTranspose has no dilation_rate: it reads the key and convolves undilated.
        let dilation = layer.config["dilation_rate"].map { $0.array?.compactMap(\.int) ?? [$0.int ?? 1] } ?? [1]
        guard axes == 3, dilation.contains(where: { $0 != 1 }) else { return nil }
        return "layer '\(layer.name)' is a dilated Conv3DTranspose, which tf_keras computes undilated: load this "
          + "file with Keras 3"
      },
      build: { context in
        [
          try context.channelsLast { x in
            let channels = try context.channels(of: x), filters = try context.int("filters")
            let size = try context.window("kernel_size", axes: axes)
            let kernel = try context.weight(0, "kernel", shape: size + [filters, channels])
            let bias = context.bool("use_bias", default: true) ? try context.weight(1, "bias", shape: [filters]) : nil
            let given = !(context.config["output_padding"]?.isNull ?? true)
            let outputPadding = given ? try context.window("output_padding", axes: axes) : nil
            let op = TransposedConvolution(
              kernel: kernel, bias: bias, size: size, strides: try context.window("strides", axes: axes, default: 1),
              dilation: try context.window("dilation_rate", axes: axes, default: 1), padding: try context.padding(),
              outputPadding: outputPadding, inputs: channels, filters: filters)
            return try context.activate(try context.add(.transposedConvolution(op), [x]))
          }
        ]
      })
  }
}

extension LayerContext {
  /// The known channel count (last axis) of `value`.
  func channels(of value: Graph.Value) throws -> Int {
    guard let channels = graph.shape(value).dims.last ?? nil else {
      throw error("the channel axis of \(graph.shape(value)) must be known")
    }
    return channels
  }

  /// The depthwise part of DepthwiseConv and SeparableConv as a grouped convolution.
  func depthwiseOp(_ x: Graph.Value, axes: Int, weight: Int, bias biasIndex: Int?) throws -> Convolution {
    let channels = try channels(of: x), multiplier = int("depth_multiplier", default: 1)
    let size = try window("kernel_size", axes: axes)
    let kernel = try self.weight(weight, "depthwise_kernel", shape: size + [channels, multiplier])
    let bias = try biasIndex.map { try self.weight($0, "bias", shape: [channels * multiplier]) }
    return Convolution(
      kernel: kernel, bias: bias, size: size, strides: try window("strides", axes: axes, default: 1),
      dilation: try window("dilation_rate", axes: axes, default: 1), padding: try padding(), groups: channels,
      inputs: channels, filters: channels * multiplier)
  }
}
