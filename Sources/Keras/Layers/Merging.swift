import Graph

extension LayerKind {
  /// Add, Subtract, Multiply, Average, Maximum, Minimum: element-wise over all inputs. Keras 3's
  /// Multiply, Maximum and Minimum also change the values at masked steps (a masked step
  /// counts as the identity, or as the other inputs); those, under a mask, are refused.
  static func merging(_ kind: MergeKind) -> LayerKind {
    LayerKind(build: { context in
      if context.dialect == .keras3, [.multiply, .maximum, .minimum].contains(kind),
        context.masks.contains(where: { $0 != nil })
      {
        throw context.error("a sequence mask reaching a Keras 3 \(kind.rawValue) layer is not supported")
      }
      context.outputMask = try context.mergedMask()
      return [try context.add(.merge(kind))]
    })
  }

  /// Concatenate along `axis` (default −1). Sequence masks: along the features as a merge's
  /// (`mergedMask`; Keras 3's "any" over an unmasked input's ones is no mask), along time the
  /// inputs' masks joined in time.
  static let concatenate = LayerKind(
    keys: ["axis"],
    build: { context in
      let axis = try context.inputShape.axis(try context.axis(default: -1))
      if context.masks.contains(where: { $0 != nil }) {
        let masks = context.masks.compactMap { $0 }
        if axis == context.inputShape.rank - 1 {
          context.outputMask = try context.mergedMask()
        } else if axis == 1, masks.count == context.masks.count {
          context.outputMask = try context.add(.concat(axis: 1), masks)
        } else {
          throw context.error("a sequence mask through a concatenation along axis \(axis) is not supported")
        }
      }
      return [try context.add(.concat(axis: axis))]
    })
}

extension LayerContext {
  /// The sequence mask of an element-wise merge, as each Keras computes it: tf_keras keeps the
  /// steps that every masked input keeps (inputs without a mask do not count); Keras 3 gives
  /// none unless every input has one, and then keeps the steps that any input keeps.
  func mergedMask() throws -> Graph.Value? {
    let given = masks.compactMap { $0 }
    guard let first = given.first else { return nil }
    if dialect == .keras3, given.count < masks.count { return nil }
    if given.allSatisfy({ $0 == first }) { return first }
    let kind: MergeKind = dialect == .keras3 ? .maximum : .multiply
    return try given.dropFirst().reduce(first) { try add(.merge(kind), [$0, $1]) }
  }
}
