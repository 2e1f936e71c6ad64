import Graph

extension LayerKind {
  /// ConvLSTM1D / 2D / 3D over `(batch, time, spatial…, channels)` (or channels first):
  /// kernel `(k…, channels, 4·filters)`, recurrent_kernel `(k…, filters, 4·filters)`, bias
  /// `(4·filters)`, gates (i, f, c, o); see `ConvolutionalLSTM`.
  static func convolutionalLSTM(axes: Int) -> LayerKind {
    LayerKind(
      slots: { config in
        [WeightSlot("kernel"), WeightSlot("recurrent_kernel")]
          + ((config["use_bias"]?.bool ?? true) ? [WeightSlot("bias")] : [])
      },
      keys: convolutionKeys.filter { $0 != "groups" }
        + ["recurrent_activation", "return_sequences", "return_state", "go_backwards"],
      activationIsInternal: true,
      variablePaths: { _ in ["cell/vars"] },
      build: { context in
        for key in ["stateful", "unroll"] where context.bool(key, default: false) {
          throw context.error("\(key) ConvLSTM layers are not supported")
        }
        let shape = context.inputShape
        guard shape.rank == axes + 3 else {
          throw context.error("expected input (batch, time, \(axes) spatial axes, channels), got \(shape)")
        }
        let channelsFirst = context.string("data_format", default: "channels_last") == "channels_first"
        guard let channels = shape.dims[channelsFirst ? 2 : shape.rank - 1] else {
          throw context.error("the channel axis of \(shape) must be known")
        }
        let filters = try context.int("filters"), size = try context.window("kernel_size", axes: axes)
        let kernel = try context.weight(0, "kernel", shape: size + [channels, 4 * filters])
        let recurrentKernel = try context.weight(1, "recurrent_kernel", shape: size + [filters, 4 * filters])
        let bias = context.bool("use_bias", default: true) ? try context.weight(2, "bias", shape: [4 * filters]) : nil
        let ones = Array(repeating: 1, count: axes)
        let input = Convolution(
          kernel: kernel, bias: bias, size: size, strides: try context.window("strides", axes: axes, default: 1),
          dilation: try context.window("dilation_rate", axes: axes, default: 1), padding: try context.padding(),
          groups: 1, inputs: channels, filters: 4 * filters)
        let recurrent = Convolution(
          kernel: recurrentKernel, bias: nil, size: size, strides: ones, dilation: ones, padding: .same, groups: 1,
          inputs: filters, filters: 4 * filters)
        let op = ConvolutionalLSTM(
          input: input, recurrent: recurrent,
          activation: try RecurrentLayer.activation(context.config, "activation", "tanh", context),
          recurrentActivation: try RecurrentLayer.activation(
            context.config, "recurrent_activation", "sigmoid", context),
          returnSequences: context.bool("return_sequences", default: false),
          returnState: context.bool("return_state", default: false),
          goBackwards: context.bool("go_backwards", default: false))
        // Channels first: each frame's channel axis (2) moved last, and the outputs' back.
        let rank = shape.rank
        let x = channelsFirst ? try context.add(.transpose(perm: [0, 1] + Array(3..<rank) + [2])) : context.input
        let outputs = try context.addNode(.convolutionalLSTM(op), [x] + (context.inputMask.map { [$0] } ?? []))
        if op.returnSequences { context.outputMask = context.inputMask }
        guard channelsFirst else { return outputs }
        return try outputs.map { value in
          let outRank = context.graph.shape(value).rank
          let lead = outRank == rank ? [0, 1] : [0]
          return try context.add(
            .transpose(perm: lead + [outRank - 1] + Array(lead.count..<(outRank - 1))), [value])
        }
      })
  }
}
