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
    let order = LayerOrder.of(model)
    for (index, key) in zip(order, groupKeys(order.map { model.layers[$0] })) {
      let layer = model.layers[index]
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
      for path in try LayerTable.kind(for: layer).variablePaths(layer.config) where group.contains(path) {
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

  /// The datasets `0`, `1`, … of a `vars` group, in numeric order.
  private static func variables(_ group: Group) throws -> [Tensor] {
    var tensors: [Tensor] = []
    while group.contains(String(tensors.count)) {
      let dataset = try group.dataset(String(tensors.count))
      tensors.append(Tensor(shape: dataset.shape, data: try dataset.readFloats()))
    }
    return tensors
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

  /// The key of each layer's group, in Keras's order: `snake_case(class)`, then `_1`, `_2`, …
  /// for later layers of the same class in one container.
  static func groupKeys(_ layers: [KerasLayer]) -> [String] { groupKeys(classNames: layers.map(\.className)) }

  /// The same keys for objects of these classes in one container (StackedRNNCells' cells).
  static func groupKeys(classNames: [String]) -> [String] {
    var used: [String: Int] = [:]
    return classNames.map { className in
      let base = snakeCase(pythonClassNames[className] ?? className)
      defer { used[base, default: 0] += 1 }
      return used[base].map { "\(base)_\($0)" } ?? base
    }
  }

  /// The Python class behind a config's class name where they differ: the key is made from
  /// the class itself.
  static let pythonClassNames = ["GroupQueryAttention": "GroupedQueryAttention"]

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
