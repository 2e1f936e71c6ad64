import Foundation
import Graph
import HDF5

/// Reads weights in Keras 3's layout (`model.weights.h5` inside `.keras`, and `.weights.h5`):
/// `/layers/<snake_case(class)>[_N]/vars/0, 1, …`, with RNN cells under `cell/`, Bidirectional
/// under `forward_layer/` and `backward_layer/`, TimeDistributed under `layer/`, and nested
/// models under `layers/`. As Keras's loader does, it walks `model.layers` in Keras's order,
/// naming each layer by its class plus a per-container counter; layer names are not used.
enum ArchiveWeights {
  static func assign(from root: Group, to model: inout KerasModel) throws {
    guard root.contains("layers") else {
      throw KerasError("\(root.path) has no 'layers' group (not a Keras 3 weights file)")
    }
    try assign(from: try root.group("layers"), model: &model)
  }

  private static func assign(from container: Group, model: inout KerasModel) throws {
    var used: [String: Int] = [:]
    for index in LayerOrder.of(model) {
      let layer = model.layers[index]
      let base = snakeCase(layer.className)
      let key = used[base].map { "\(base)_\($0)" } ?? base
      used[base, default: 0] += 1
      guard container.contains(key) else {
        if try LayerTable.slots(for: layer).isEmpty { continue }
        throw KerasError(layer: layer.name, className: layer.className, "no weights at \(container.path)/\(key)")
      }
      let group = try container.group(key)
      if var submodel = layer.submodel {
        try assign(from: try group.group("layers"), model: &submodel)
        model.layers[index].submodel = submodel
        model.layers[index].weights = try flattened(submodel)
        continue
      }
      var weights: [Tensor] = []
      for path in variablePaths(layer) where group.contains(path) {
        weights += try variables(try group.group(path))
      }
      let slots = try LayerTable.slots(for: layer)
      guard weights.count == slots.count else {
        throw KerasError(
          layer: layer.name, className: layer.className,
          "expected \(slots.count) weights (\(slots.map(\.name).joined(separator: ", "))), \(group.path) has \(weights.count)"
        )
      }
      model.layers[index].weights = weights
    }
  }

  /// Where a layer keeps its variables, relative to its group, in order.
  private static func variablePaths(_ layer: KerasLayer) -> [String] {
    switch layer.className {
    case "LSTM", "GRU", "SimpleRNN", "RNN": return ["cell/vars"]
    case "Bidirectional": return ["forward_layer/cell/vars", "backward_layer/cell/vars"]
    case "TimeDistributed": return ["layer/vars", "layer/cell/vars"]
    case "MultiHeadAttention": return ["query_dense/vars", "key_dense/vars", "value_dense/vars", "output_dense/vars"]
    default: return ["vars"]
    }
  }

  /// The datasets `0`, `1`, … of a `vars` group, in numeric order.
  private static func variables(_ group: Group) throws -> [Tensor] {
    var tensors: [Tensor] = []
    while group.contains(String(tensors.count)) {
      let dataset = try group.dataset(String(tensors.count))
      tensors.append(Tensor(shape: dataset.shape, data: try dataset.readFloats()))
    }
    return tensors
  }

  /// Writes a flat model's weights in the same layout (the inverse of `assign`).
  static func write(_ model: KerasModel, to root: Group) throws {
    let container = try root.createGroup("layers")
    var used: [String: Int] = [:]
    for layer in model.orderedLayers {
      let base = snakeCase(layer.className)
      let key = used[base].map { "\(base)_\($0)" } ?? base
      used[base, default: 0] += 1
      // The weights split evenly over the layer's sub-groups (Bidirectional halves, the four
      // projections of MultiHeadAttention), else all in the first.
      let parts = ["Bidirectional": 2, "MultiHeadAttention": 4][layer.className] ?? 1
      let share = layer.weights.count / parts
      for (part, path) in variablePaths(layer).prefix(parts).enumerated() {
        let group = try container.createGroup("\(key)/\(path)")
        try group.writeString("name", layer.name)
        for (index, tensor) in layer.weights[(part * share)..<((part + 1) * share)].enumerated() {
          try group.writeFloats(String(index), tensor.data, shape: tensor.shape)
        }
      }
    }
  }

  /// A nested model's weights in the order its `model_weights` group would hold them:
  /// every trainable weight, then every non-trainable one (see `LayerTable.slots`).
  static func flattened(_ model: KerasModel) throws -> [Tensor] {
    var places: [(tensor: Tensor, trainable: Bool)] = []
    for index in LayerOrder.of(model) {
      let layer = model.layers[index]
      for (slot, tensor) in zip(try LayerTable.slots(for: layer), layer.weights) {
        places.append((tensor, slot.trainable && layer.trainable))
      }
    }
    return places.filter(\.trainable).map(\.tensor) + places.filter { !$0.trainable }.map(\.tensor)
  }

  /// Keras's `to_snake_case`: `Conv2DTranspose` → `conv2d_transpose`, `SimpleRNN` → `simple_rnn`.
  static func snakeCase(_ name: String) -> String {
    let chars = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
    var out = ""
    for (index, char) in chars.enumerated() {
      if index > 0, char.isUppercase {
        let previous = chars[index - 1]
        let next = index + 1 < chars.count ? chars[index + 1] : nil
        if previous.isLowercase || (next?.isLowercase ?? false) { out.append("_") }
      }
      out.append(char)
    }
    return out.lowercased()
  }
}
