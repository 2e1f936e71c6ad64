import Graph
import JSON

extension LayerKind {
  /// Bidirectional: the wrapped recurrent layer forwards, and again backwards on the
  /// time-reversed input (its sequence reversed back); merged by `merge_mode` (concat, sum,
  /// mul, ave, or null for both). Weights: all forward, then all backward.
  static let bidirectional = LayerKind(
    slots: { config in
      let inner = config["layer"]?["config"] ?? .object([])
      let backward = config["backward_layer"]?["config"] ?? inner
      return RecurrentLayer.slots(inner).map { WeightSlot("forward_\($0.name)") }
        + RecurrentLayer.slots(backward).map { WeightSlot("backward_\($0.name)") }
    },
    keys: ["layer", "merge_mode", "backward_layer"],
    adapt: { config, _, _, target in
      // tf_keras mirrors the forward layer itself; Keras 3 keeps the explicit backward layer.
      var result = config.setting("layer", (try? ModelWriter.innerConfig(config["layer"], target: target)) ?? .null)
        .removing("backward_layer")
      if target == .keras3, let backward = try? ModelWriter.innerConfig(config["backward_layer"], target: target) {
        result = result.setting("backward_layer", backward)
      }
      return result
    },
    variablePaths: { _ in ["forward_layer/cell/vars", "backward_layer/cell/vars"] },
    writtenShares: evenShares(2),
    build: { context in
      guard let inner = context.config["layer"], let className = inner["class_name"]?.string,
        RecurrentLayer.cell(className) != nil, let forwardConfig = inner["config"]
      else { throw context.error("Bidirectional must wrap an LSTM, GRU or SimpleRNN") }
      var backwardConfig =
        context.config["backward_layer"]?["config"]
        ?? forwardConfig.setting("go_backwards", .bool(!(forwardConfig["go_backwards"]?.bool ?? false)))
      backwardConfig = backwardConfig.removing("name")
      let features = try RecurrentLayer.features(context)
      let split = RecurrentLayer.slots(forwardConfig).count
      let sequences = forwardConfig["return_sequences"]?.bool ?? false
      let forward = try RecurrentLayer.op(
        className, forwardConfig, weights: Array(context.layer.weights.prefix(split)), inputs: features,
        context: context, zeroOutputForMask: sequences)
      let backward = try RecurrentLayer.op(
        context.config["backward_layer"]?["class_name"]?.string ?? className, backwardConfig,
        weights: Array(context.layer.weights.dropFirst(split)), inputs: features, context: context,
        zeroOutputForMask: sequences)
      let forwardOutputs = try RecurrentLayer.add(forward, context)
      var backwardOutputs = try RecurrentLayer.add(backward, context)
      if sequences { backwardOutputs[0] = try context.add(.reverseTime, [backwardOutputs[0]]) }
      let pair = [forwardOutputs[0], backwardOutputs[0]]
      let merged: [Graph.Value]
      switch context.config["merge_mode"]?.string {
      case "concat": merged = [try context.add(.concat(axis: -1), pair)]
      case "sum": merged = [try context.add(.merge(.add), pair)]
      case "mul": merged = [try context.add(.merge(.multiply), pair)]
      case "ave": merged = [try context.add(.merge(.average), pair)]
      case nil: merged = pair
      case let mode?: throw context.error("merge_mode '\(mode)' is not concat, sum, mul, ave or null")
      }
      if sequences { context.outputMask = context.inputMask }
      return merged + forwardOutputs.dropFirst() + backwardOutputs.dropFirst()
    })

  /// TimeDistributed: the wrapped layer applied to every time step, by folding time into the batch.
  static let timeDistributed = LayerKind(
    slots: { config in
      guard let inner = config["layer"], let className = inner["class_name"]?.string,
        let kind = LayerTable.kinds[className]
      else { return [] }
      return kind.slots(inner["config"] ?? .object([]))
    },
    keys: ["layer"],
    adapt: { config, _, _, target in
      config.setting("layer", (try? ModelWriter.innerConfig(config["layer"], target: target)) ?? .null)
    },
    variablePaths: { _ in ["layer/vars", "layer/cell/vars"] },
    propagatesMask: true,
    build: { context in
      guard let inner = context.config["layer"], let className = inner["class_name"]?.string else {
        throw context.error("TimeDistributed has no wrapped layer")
      }
      var layer = KerasLayer(
        className: className, name: context.layer.name, config: inner["config"] ?? .object([]), calls: [])
      layer.weights = context.layer.weights
      let kind = try LayerTable.kind(for: layer)
      let folded = try context.add(.foldTime)
      var innerContext = LayerContext(layer: layer, inputs: [folded], graph: context.graph, dialect: context.dialect)
      let outputs = try kind.build(&innerContext)
      return try outputs.map { try context.add(.unfoldTime, [$0, context.input]) }
    })

  /// Masking: steps whose features all equal `mask_value` are masked, and zeroed.
  static let masking = LayerKind(
    keys: ["mask_value"],
    build: { context in
      let mask = try context.add(.mask(.notAllEqual(context.float("mask_value", default: 0))))
      let column = try context.add(.reshape(target: [-1, 1]), [mask])
      context.outputMask = mask
      return [try context.add(.merge(.multiply), [context.input, column])]
    })
}
