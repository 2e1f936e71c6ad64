import Graph
import Keras

extension Ensemble {
  /// The members, a Concatenate of their outputs and one Dense head on it (`tune --method
  /// stack`): stock layers, so the file loads as every merged file does.
  public static func stacked(_ members: [Member], kernel: Tensor, bias: Tensor, activation: String) throws
    -> BuiltModel
  {
    let joined = try merge(members, mode: .concat(axis: -1))
    var model = joined.model
    let output = model.append(
      .dense(units: bias.count, activation: activation), named: "ensemble_stack", on: model.outputs,
      weights: [kernel, bias])
    return try joined.appending(Array(model.layers[joined.model.layers.count...]), outputs: [output])
  }
}
