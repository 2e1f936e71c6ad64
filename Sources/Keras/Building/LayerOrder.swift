/// The order of `model.layers` that Keras recomputes on load, which is the order weights are
/// stored in: layers sorted by depth from the outputs, deepest first, ties
/// broken by first visit in a depth-first walk from the outputs.
enum LayerOrder {
  /// Layer indices in Keras order. A Sequential keeps its config order, without the input.
  static func of(_ model: KerasModel) -> [Int] {
    if model.isSequential {
      return model.layers.indices.filter { model.layers[$0].className != "InputLayer" }
    }
    struct NodeID: Hashable { let layer: Int, call: Int }
    let index = Dictionary(model.layers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    let offsets = NodeOffsets(model)
    func producer(_ ref: TensorRef) -> NodeID? {
      guard let layer = index[ref.layer] else { return nil }
      return NodeID(layer: layer, call: offsets.call(for: ref))
    }
    func parents(_ node: NodeID) -> [NodeID] {
      let calls = model.layers[node.layer].calls
      guard calls.indices.contains(node.call) else { return [] }
      return calls[node.call].compactMap(producer)
    }
    var traversal: [Int: Int] = [:]
    var finished = Set<NodeID>()
    var ordered: [NodeID] = []
    func visit(_ node: NodeID) {
      if finished.contains(node) { return }
      if traversal[node.layer] == nil { traversal[node.layer] = traversal.count }
      for parent in parents(node) { visit(parent) }
      finished.insert(node)
      ordered.append(node)
    }
    model.outputs.compactMap(producer).forEach(visit)
    var nodeDepth: [NodeID: Int] = [:]
    var layerDepth: [Int: Int] = [:]
    for node in ordered.reversed() {
      let depth = max(nodeDepth[node] ?? 0, layerDepth[node.layer] ?? 0)
      nodeDepth[node] = depth
      layerDepth[node.layer] = depth
      for parent in parents(node) { nodeDepth[parent] = max(nodeDepth[parent] ?? 0, depth + 1) }
    }
    return model.layers.indices.sorted { a, b in
      let (da, db) = (layerDepth[a] ?? 0, layerDepth[b] ?? 0)
      if da != db { return da > db }
      return (traversal[a] ?? -1, a) < (traversal[b] ?? -1, b)
    }
  }
}

/// Keras 2 counts a nested model's construction as its node 0, so its first call is node 1;
/// Keras 3 counts calls only. The offset is found from the references themselves.
struct NodeOffsets {
  private var offset: [String: Int] = [:]

  init(_ model: KerasModel) {
    var highest: [String: Int] = [:]
    for ref in model.layers.flatMap({ $0.calls.flatMap { $0 } }) + model.outputs {
      highest[ref.layer] = max(highest[ref.layer] ?? 0, ref.node)
    }
    for layer in model.layers where layer.submodel != nil {
      if let top = highest[layer.name], top >= layer.calls.count, layer.calls.count > 0 {
        offset[layer.name] = 1
      }
    }
  }

  /// The call index a reference's node index stands for.
  func call(for ref: TensorRef) -> Int { ref.node - (offset[ref.layer] ?? 0) }
}
