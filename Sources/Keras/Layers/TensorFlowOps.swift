import Graph
import JSON

/// tf_keras's TFOpLambda: a TensorFlow function called on Keras tensors, stored by its name
/// (`"function": "math.multiply"`) with its other arguments inline, never as code. Only the
/// functions below run; any other is refused with its name (`LayerTable.problem`).
extension LayerKind {
  static let tfOpLambda = LayerKind(
    keys: ["function"],
    unwritable: "this TensorFlow function has no stock layer that both loaders read (merged files hold "
      + "arithmetic and the common activations as Rescaling, Activation, ReLU, Add, Subtract or Multiply)",
    build: { context in
      let function = context.string("function", default: "")
      if let activation = TensorFlowOps.activations[function] { return [try context.add(.activation(activation))] }
      guard let arithmetic = TensorFlowOps.arithmetic[function] else {
        throw context.error("the TensorFlow function '\(function)' is not one ensemble runs")
      }
      // The second operand: a tensor (the call's second input) or a number in the keywords.
      if context.inputs.count == 2 {
        guard let merge = arithmetic.tensors else {
          throw context.error("'\(function)' of two tensors is not one ensemble runs")
        }
        guard context.graph.shape(context.inputs[0]) == context.graph.shape(context.inputs[1]) else {
          throw context.error("'\(function)' of tensors of different shapes (broadcasting) is not supported")
        }
        return [try context.add(.merge(merge))]
      }
      guard let constant = context.keywords["y"]?.double.map(Float.init) else {
        throw context.error("'\(function)' needs a number or a tensor as its second argument")
      }
      let (scale, shift) = arithmetic.constant(constant)
      return [try context.add(.scaleShift(ScaleShift(axis: -1, scale: [scale], shift: [shift])))]
    })
}

/// The TensorFlow functions a TFOpLambda layer may call, by the name tf_keras stores.
enum TensorFlowOps {
  static let activations: [String: Activation] = [
    "nn.relu": .relu(max: nil, slope: 0, threshold: 0), "nn.relu6": .relu(max: 6, slope: 0, threshold: 0),
    "math.sigmoid": .sigmoid, "nn.sigmoid": .sigmoid, "math.tanh": .tanh, "nn.tanh": .tanh,
    "nn.silu": .swish, "nn.swish": .swish, "math.softplus": .softplus, "nn.softplus": .softplus,
    "nn.elu": .elu(alpha: 1), "nn.selu": .selu, "math.exp": .exponential, "nn.softsign": .softsign,
    "math.softsign": .softsign,
  ]

  /// `x ∘ y`: with a number, `x·scale + shift`; with a tensor of the same shape, a merge.
  struct Arithmetic {
    let constant: (Float) -> (scale: Float, shift: Float)
    let tensors: MergeKind?
  }

  static let arithmetic: [String: Arithmetic] = [
    "__operators__.add": Arithmetic(constant: { (1, $0) }, tensors: .add),
    "math.add": Arithmetic(constant: { (1, $0) }, tensors: .add),
    "math.subtract": Arithmetic(constant: { (1, -$0) }, tensors: .subtract),
    "math.multiply": Arithmetic(constant: { ($0, 0) }, tensors: .multiply),
    "math.truediv": Arithmetic(constant: { (1 / $0, 0) }, tensors: nil),
    "math.divide": Arithmetic(constant: { (1 / $0, 0) }, tensors: nil),
  ]

  /// Whether a TFOpLambda layer calling `function` can run.
  static func runs(_ function: String?) -> Bool {
    guard let function else { return false }
    return activations[function] != nil || arithmetic[function] != nil
  }
}
