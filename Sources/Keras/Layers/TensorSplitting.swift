import Graph
import JSON

/// The tensor functions that stack tensors along a new axis or split one into parts:
/// TensorFlow's `stack`, `split`, `unstack` and Keras 3's Stack, Split, Unstack.
extension TensorFunctions {
  /// `stack(xs, axis)`: each input given a new axis of size 1 at `axis`, then joined along it.
  static func stack(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    let rank = context.inputShape.rank + 1
    var axis = arguments["axis"]?.int ?? 0
    if axis < 0 { axis += rank }
    guard axis >= 1, axis < rank else { throw context.error("stacking along the batch axis is not supported") }
    let expanded = try context.inputs.map { value -> Graph.Value in
      var features = context.graph.shape(value).features
      features.insert(1, at: axis - 1)
      return try context.add(.reshape(target: try known(features, context)), [value])
    }
    return try context.add(.concat(axis: axis), expanded)
  }

  /// tf.split's `num_or_size_splits`: a count of equal parts, or the sizes (one may be −1,
  /// the rest of the axis).
  static func sizes(_ arguments: Arguments, length: Int) -> [Int]? {
    if let count = arguments["num_or_size_splits"]?.int {
      return count > 0 && length % count == 0 ? Array(repeating: length / count, count: count) : nil
    }
    guard let given = arguments["num_or_size_splits"]?.array?.compactMap(\.int), given.filter({ $0 < 0 }).count <= 1
    else { return nil }
    let rest = length - given.filter { $0 >= 0 }.reduce(0, +)
    return given.map { $0 < 0 ? rest : $0 }
  }

  /// Keras 3's `indices_or_sections` (as NumPy's): a count of equal parts, or the indices
  /// where the axis is cut.
  static func sections(_ arguments: Arguments, length: Int) -> [Int]? {
    let given = arguments["indices_or_sections"] ?? arguments.positional.first
    if let count = given?.int {
      return count > 0 && length % count == 0 ? Array(repeating: length / count, count: count) : nil
    }
    guard let cuts = given?.array?.compactMap(\.int) else { return nil }
    let bounds = [0] + cuts.map { min(max($0 < 0 ? $0 + length : $0, 0), length) } + [length]
    return zip(bounds, bounds.dropFirst()).map { max($1 - $0, 0) }
  }

  /// `split(x, …, axis)` into consecutive parts of the sizes `parts` reads from the arguments.
  static func split(_ parts: @escaping (Arguments, Int) -> [Int]?) -> BuildOutputs {
    { context, arguments in
      let (axis, length) = try splitAxis(context, arguments)
      guard let sizes = parts(arguments, length), sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == length else {
        throw context.error("the parts asked for do not split axis \(axis) of \(context.inputShape)")
      }
      return try pieces(&context, axis: axis, sizes: sizes)
    }
  }

  /// `unstack(x, axis)`: each index along `axis`, the axis removed.
  static func unstack(_ context: inout LayerContext, _ arguments: Arguments) throws -> [Graph.Value] {
    let (axis, length) = try splitAxis(context, arguments)
    var features = context.inputShape.features
    features.remove(at: axis - 1)
    let target = try known(features, context)
    return try pieces(&context, axis: axis, sizes: Array(repeating: 1, count: length)).map {
      try context.add(.reshape(target: target), [$0])
    }
  }

  /// The feature axis (`axis`, default 0) a split cuts, and its known length.
  private static func splitAxis(_ context: LayerContext, _ arguments: Arguments) throws -> (Int, Int) {
    let shape = context.inputShape
    var axis = arguments["axis"]?.int ?? 0
    if axis < 0 { axis += shape.rank }
    guard axis >= 1, axis < shape.rank else { throw context.error("splitting the batch axis is not supported") }
    guard let length = shape.dims[axis] else { throw context.error("splitting an axis of unknown size") }
    return (axis, length)
  }

  /// Consecutive slices of `sizes` along `axis`, the other axes whole.
  private static func pieces(_ context: inout LayerContext, axis: Int, sizes: [Int]) throws -> [Graph.Value] {
    let features = context.inputShape.features.compactMap { $0 }
    guard features.count == context.inputShape.rank - 1 else {
      throw context.error("splitting a tensor of shape \(context.inputShape) needs every feature axis known")
    }
    var start = 0
    return try sizes.map { size in
      defer { start += size }
      let ranges = features.enumerated().map { index, length in
        index == axis - 1
          ? StridedRange(start: start, stop: start + size, step: 1) : StridedRange(start: 0, stop: length, step: 1)
      }
      return try context.add(.slice(ranges))
    }
  }
}
