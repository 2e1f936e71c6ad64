import Graph
import JSON

/// Keras 3 operation nodes: `keras.ops` functions and activations called on symbolic tensors
/// (`x + 3.0`, `ops.sigmoid(x)`, `x * (1/6)`), saved as nodes of op classes whose numbers sit
/// among the call's arguments. The classes below run; any other is refused with its name.
extension LayerKind {
  static let kerasOperation = LayerKind(
    unwritable: "this Keras 3 operation node has no stock layer that both loaders read (merged files hold "
      + "arithmetic and the common activations as Rescaling, Activation, ReLU, Add, Subtract or Multiply)",
    build: { context in
      let name = context.layer.className
      if let activation = KerasOperation.activations[name] { return [try context.add(.activation(activation))] }
      guard let arithmetic = KerasOperation.arithmetic[name] else {
        throw context.error("the Keras 3 operation '\(name)' is not one ensemble runs yet")
      }
      if context.inputs.count == 2 {
        guard let merge = arithmetic.tensors,
          context.graph.shape(context.inputs[0]) == context.graph.shape(context.inputs[1])
        else { throw context.error("'\(name)' of these two tensors (broadcast or divided) is not supported") }
        return [try context.add(.merge(merge))]
      }
      // The number, and whether it came before the tensor (`3.0 - x`).
      let arguments = context.keywords["args"]?.array ?? []
      guard let index = arguments.firstIndex(where: { $0.double != nil }), let number = arguments[index].double
      else { throw context.error("'\(name)' needs a number or a tensor as its second argument") }
      guard let (scale, shift) = arithmetic.constant(Float(number), index == 0) else {
        throw context.error("'\(name)' of a number by a tensor is not supported")
      }
      return [try context.add(.scaleShift(ScaleShift(axis: -1, scale: [scale], shift: [shift])))]
    })
}

/// The Keras 3 operation classes ensemble runs.
enum KerasOperation {
  static func isOperation(module: String) -> Bool {
    module.hasPrefix("keras.src.ops") || module.hasPrefix("keras.src.activations")
  }

  static func runs(_ className: String) -> Bool { activations[className] != nil || arithmetic[className] != nil }

  static let activations: [String: Activation] = [
    "Relu": .relu(max: nil, slope: 0, threshold: 0), "ReLU": .relu(max: nil, slope: 0, threshold: 0),
    "Relu6": .relu(max: 6, slope: 0, threshold: 0), "Sigmoid": .sigmoid, "Tanh": .tanh, "Silu": .swish,
    "Swish": .swish, "Softplus": .softplus, "Softsign": .softsign, "Elu": .elu(alpha: 1), "Selu": .selu,
    "Exp": .exponential, "HardSigmoid": .hardSigmoid, "HardSilu": .hardSwish,
    "HardSwish": .hardSwish, "Mish": .mish, "LogSigmoid": .logSigmoid,
  ]

  /// `x ∘ c` (or `c ∘ x` when `numberFirst`) as `x·scale + shift`, nil when not affine; and the
  /// merge for two tensors of one shape.
  struct Arithmetic {
    let constant: (_ c: Float, _ numberFirst: Bool) -> (scale: Float, shift: Float)?
    let tensors: MergeKind?
  }

  static let arithmetic: [String: Arithmetic] = [
    "Add": Arithmetic(constant: { c, _ in (1, c) }, tensors: .add),
    "Subtract": Arithmetic(constant: { c, first in first ? (-1, c) : (1, -c) }, tensors: .subtract),
    "Multiply": Arithmetic(constant: { c, _ in (c, 0) }, tensors: .multiply),
    "Divide": Arithmetic(constant: { c, first in first ? nil : (1 / c, 0) }, tensors: nil),
    "TrueDivide": Arithmetic(constant: { c, first in first ? nil : (1 / c, 0) }, tensors: nil),
  ]
}
