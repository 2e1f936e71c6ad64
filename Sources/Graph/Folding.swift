/// Graph rewrites that keep every output the same and save work at run time.
extension Graph {
  /// Folds a per-channel scale and shift (BatchNormalization, Rescaling) into the convolution
  /// or Dense layer that feeds only it: `(x·W + b)·s + t = x·(W·s) + (b·s + t)`, with `s` and
  /// `t` indexed by output channel; then a ReLU into the Dense or convolution before it, and an
  /// activation into the merge before it. One pass over the data per folded layer is saved.
  public func folded() -> Graph {
    var consumers = [Int](repeating: 0, count: shapes.count)
    for node in nodes { for value in node.inputs { consumers[value.id] += 1 } }
    for value in outputs { consumers[value.id] += 1 }
    var producer: [Int: Int] = [:]
    for (index, node) in nodes.enumerated() { for value in node.outputs { producer[value.id] = index } }
    var rewritten = nodes
    var removed = Set<Int>()
    for (index, node) in nodes.enumerated() {
      guard case .scaleShift(let affine) = node.op, let input = node.inputs.first, consumers[input.id] == 1,
        let source = producer[input.id], !removed.contains(source),
        affine.axis == -1 || affine.axis == shapes[input.id].rank - 1,
        let fused = Graph.fold(rewritten[source].op, affine)
      else { continue }
      rewritten[source] = Node(op: fused, inputs: rewritten[source].inputs, outputs: node.outputs)
      for value in node.outputs { producer[value.id] = source }
      removed.insert(index)
    }
    // A ReLU `min(max(x, 0), m)` becomes the clamp `0...m` of the 1D/2D convolution or Dense
    // that feeds only it, which its kernel applies as it writes; any activation but linear
    // joins the merge that feeds only it (ResNet's Add then ReLU), applied block by block.
    for (index, node) in rewritten.enumerated() where !removed.contains(index) {
      guard case .activation(let activation) = node.op, let input = node.inputs.first, consumers[input.id] == 1,
        let source = producer[input.id], !removed.contains(source)
      else { continue }
      let fused: Op
      switch (rewritten[source].op, activation) {
      case (.dense(var dense), .relu(let maximum, 0, 0)) where maximum ?? 0 >= 0:
        dense.clamp = 0...(maximum ?? .infinity)
        fused = .dense(dense)
      case (.convolution(var conv), .relu(let maximum, 0, 0)) where conv.size.count <= 2 && maximum ?? 0 >= 0:
        conv.clamp = 0...(maximum ?? .infinity)
        fused = .convolution(conv)
      case (.merge(let kind, nil), _):
        if case .linear = activation { continue }
        fused = .merge(kind, then: activation)
      default:
        continue
      }
      rewritten[source] = Node(op: fused, inputs: rewritten[source].inputs, outputs: node.outputs)
      removed.insert(index)
    }
    let graph = Graph()
    graph.nodes = rewritten.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    graph.shapes = shapes
    graph.inputs = inputs
    graph.outputs = outputs
    return graph
  }

  /// `op` with `affine` folded into its weights, when `op` is a Dense or a convolution whose
  /// output channels are the affine's channels.
  static func fold(_ op: Op, _ affine: ScaleShift) -> Op? {
    func scaled(_ kernel: [Float], _ bias: [Float]?, channels: Int) -> ([Float], [Float])? {
      guard affine.scale.count == channels || affine.scale.count == 1 else { return nil }
      let s = { (o: Int) in affine.scale.count == 1 ? affine.scale[0] : affine.scale[o] }
      let t = { (o: Int) in affine.shift.count == 1 ? affine.shift[0] : affine.shift[o] }
      let weights = kernel.enumerated().map { $0.element * s($0.offset % channels) }
      let shifted = (0..<channels).map { o in (bias?[o] ?? 0) * s(o) + t(o) }
      return (weights, shifted)
    }
    switch op {
    case .dense(let dense):
      guard let (kernel, bias) = scaled(dense.kernel, dense.bias, channels: dense.units) else { return nil }
      return .dense(Dense(kernel: kernel, bias: bias, inputs: dense.inputs, units: dense.units))
    case .convolution(let conv):
      guard let (kernel, bias) = scaled(conv.kernel, conv.bias, channels: conv.filters) else { return nil }
      return .convolution(
        Convolution(
          kernel: kernel, bias: bias, size: conv.size, strides: conv.strides, dilation: conv.dilation,
          padding: conv.padding, groups: conv.groups, inputs: conv.inputs, filters: conv.filters))
    default:
      return nil
    }
  }
}
