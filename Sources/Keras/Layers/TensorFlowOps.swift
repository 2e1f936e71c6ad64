import Graph
import JSON

/// tf_keras's TFOpLambda (and SlicingOpLambda, `x[…]`): a TensorFlow function called on Keras
/// tensors, stored by its name (`"function": "math.multiply"`) with its other arguments inline,
/// never as code. Only the functions below and in `TensorFunctions` run; any other is refused
/// with its name (`LayerTable.problem`).
extension LayerKind {
  static let tfOpLambda = LayerKind(
    keys: ["function"],
    unwritable: "this TensorFlow function has no stock layer that both loaders read (merged files hold "
      + "arithmetic and the common activations as Rescaling, Activation, ReLU, Add, Subtract or Multiply)",
    build: { context in
      let function = context.string("function", default: "")
      if let call = TensorFunctions.tensorflow[function] {
        return try call.build(&context, TensorFunctions.Arguments(named: context.keywords))
      }
      return [
        try Elementwise.build(
          &context, name: function, activation: TensorFlowOps.activations[function],
          arithmetic: TensorFlowOps.arithmetic[function], operand: TensorFlowOps.operand(context.keywords))
      ]
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

  static let arithmetic: [String: Elementwise.Arithmetic] = [
    "__operators__.add": .add, "math.add": .add, "math.subtract": .subtract, "math.multiply": .multiply,
    "math.truediv": .divide, "math.divide": .divide,
  ]

  /// The number a call combines with its tensor: the keyword `y` (the tensor comes first).
  static func operand(_ keywords: JSONValue) -> Elementwise.Operand? {
    keywords["y"]?.double.map { Elementwise.Operand(value: Float($0), first: false) }
  }

  /// Whether a TFOpLambda layer calling `function` can run.
  static func runs(_ function: String?) -> Bool {
    guard let function else { return false }
    return activations[function] != nil || arithmetic[function] != nil || TensorFunctions.tensorflow[function] != nil
  }
}

/// What TFOpLambda layers and Keras 3 operation nodes compute: an activation, or `x ∘ y` with a
/// number (as `x·scale + shift`) or a tensor broadcast against it (as a merge).
enum Elementwise {
  /// `x ∘ c`, or `c ∘ x` when the number comes `first`, as `x·scale + shift` (nil when not
  /// affine), and the merge for two tensors.
  struct Arithmetic {
    let constant: (_ c: Float, _ first: Bool) -> (scale: Float, shift: Float)?
    let tensors: MergeKind?

    static let add = Arithmetic(constant: { c, _ in (1, c) }, tensors: .add)
    static let subtract = Arithmetic(constant: { c, first in first ? (-1, c) : (1, -c) }, tensors: .subtract)
    static let multiply = Arithmetic(constant: { c, _ in (c, 0) }, tensors: .multiply)
    static let divide = Arithmetic(constant: { c, first in first ? nil : (1 / c, 0) }, tensors: nil)
  }

  /// A call's number, and whether it came before the tensor.
  struct Operand {
    let value: Float
    let first: Bool
  }

  /// The node for a call named `name` (a function or an operation class).
  static func build(
    _ context: inout LayerContext, name: String, activation: Activation?, arithmetic: Arithmetic?, operand: Operand?
  ) throws -> Graph.Value {
    if let activation { return try context.add(.activation(activation)) }
    guard let arithmetic else { throw context.error("'\(name)' is not one ensemble runs") }
    if context.inputs.count == 2 {
      // Two tensors broadcast as NumPy does (a squeeze-and-excite gate over an image).
      guard let merge = arithmetic.tensors else {
        throw context.error("'\(name)' of two tensors (a division) is not supported")
      }
      return try context.add(.merge(merge))
    }
    guard let operand else { throw context.error("'\(name)' needs a number or a tensor as its second argument") }
    guard let (scale, shift) = arithmetic.constant(operand.value, operand.first) else {
      throw context.error("'\(name)' of a number by a tensor is not supported")
    }
    return try context.add(.scaleShift(ScaleShift(axis: -1, scale: [scale], shift: [shift])))
  }
}
