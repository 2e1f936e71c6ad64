import Graph
import JSON

/// What weight-space merges (soups, slerp, task arithmetic) need of models: whether two have
/// one architecture, and every weight tensor, to read and to replace.
extension KerasModel {
  /// The first difference between this model's architecture and `other`'s, layer by layer:
  /// class, config apart from the name, connections, weight shapes; nil when there is none.
  public func architectureDifference(from other: KerasModel) -> String? {
    guard layers.count == other.layers.count else {
      return "\(layers.count) layers against \(other.layers.count)"
    }
    for (position, (a, b)) in zip(layers, other.layers).enumerated() {
      let place = "layer \(position) ('\(a.name)' against '\(b.name)')"
      guard a.className == b.className else { return "\(place) is \(a.className) against \(b.className)" }
      if let inner = a.submodel, let otherInner = b.submodel {
        if let difference = inner.architectureDifference(from: otherInner) { return "inside \(place): \(difference)" }
      } else {
        let (mine, theirs) = (a.config.removing("name"), b.config.removing("name"))
        if mine != theirs {
          let keys = (mine.members ?? []).map(\.0) + (theirs.members ?? []).map(\.0)
          let key = keys.first { mine[$0] != theirs[$0] } ?? "config"
          return "\(place): config '\(key)' is \(mine[key]?.text ?? "absent") against \(theirs[key]?.text ?? "absent")"
        }
      }
      guard callSources(a) == other.callSources(b) else { return "\(place) is connected differently" }
      let (shapes, otherShapes) = (a.weights.map(\.shape), b.weights.map(\.shape))
      guard shapes == otherShapes else { return "\(place): weight shapes \(shapes) against \(otherShapes)" }
    }
    return nil
  }

  /// A layer's calls with each input named by its producer's position, not its name.
  private func callSources(_ layer: KerasLayer) -> [[[Int]]] {
    layer.calls.map { call in
      call.map { ref in [layers.firstIndex { $0.name == ref.layer } ?? -1, ref.node, ref.tensor] }
    }
  }

  /// Every weight tensor, layer by layer (a nested model's inner layers after its own list).
  public var weightTensors: [Tensor] {
    layers.flatMap { layer in layer.weights + (layer.submodel?.weightTensors ?? []) }
  }

  /// The model with its weights replaced, in `weightTensors` order.
  public func replacingWeights(_ tensors: [Tensor]) -> KerasModel {
    var next = tensors[...]
    return replacingWeights(&next)
  }

  private func replacingWeights(_ next: inout ArraySlice<Tensor>) -> KerasModel {
    var result = self
    for index in layers.indices {
      result.layers[index].weights = Array(next.prefix(layers[index].weights.count))
      next = next.dropFirst(layers[index].weights.count)
      result.layers[index].submodel = layers[index].submodel?.replacingWeights(&next)
    }
    return result
  }
}
