import Graph
import Keras

/// Builds one Keras model from N members and a merge mode: every member's layers inlined
/// (renamed `m<i>_<name>` when names clash), one shared input set when all members take the
/// same inputs (else one input per member input, in order), and the merge made of stock
/// Keras layers (see `MergeMode`). The result is a `BuiltModel` like any loaded model's: it
/// predicts, summarises and writes through the same code, and its graph is built once.
public enum Ensemble {
  public struct Member {
    public let name: String
    public let model: KerasModel

    public init(name: String, model: KerasModel) {
      self.name = name
      self.model = model
    }
  }

  public static func merge(_ members: [Member], mode: MergeMode, separateInputs: Bool = false) throws -> BuiltModel {
    guard members.count >= 2 else { throw MergeError.tooFewMembers(members.count) }
    if let expected = mode.memberCount, expected != members.count {
      if case .subtract = mode { throw MergeError.memberCount(mode, expected: expected, got: members.count) }
      throw MergeError.weightCount(weights: expected, members: members.count)
    }
    var flat = try members.map { member in
      do {
        return Member(name: member.name, model: try member.model.inlined().withPortableHardSigmoid())
      } catch let error as KerasError {
        throw MergeError.member(member.name, error)
      }
    }
    // The weighted product of softmax (or sigmoid) members is taken on their logits.
    var logits: String?
    if case .weightedProduct = mode {
      let split = flat.compactMap { $0.model.splittingFinalActivation() }
      if split.count == flat.count, let first = split.first?.activation, split.allSatisfy({ $0.activation == first }) {
        flat = zip(flat, split).map { Member(name: $0.name, model: $1.logits) }
        logits = first
      }
    }
    for member in flat where member.model.outputs.count != 1 {
      throw MergeError.outputCount(member: member.name, outputs: member.model.outputs.map(\.layer))
    }
    let signatures = try flat.map { member in
      do {
        return try member.model.inputSignature()
      } catch let error as KerasError {
        throw MergeError.member(member.name, error)
      }
    }
    let assembled = Assembly(flat, shared: !separateInputs && Set(signatures).count == 1)
    let built: BuiltModel
    do {
      built = try assembled.model.build()
    } catch var error as KerasError {
      let owner = error.layer.flatMap { assembled.origin[$0] }
      error.layer = owner?.layer ?? error.layer
      throw MergeError.member(owner?.member ?? "the merged model", error)
    }
    let outputs = zip(flat, assembled.model.outputs).map { member, ref in
      (member: member.name, shape: built.shape(of: ref) ?? Shape([]))
    }
    try check(outputs, mode: mode)
    var merged = built.model
    let output = mode.appendLayers(
      combining: assembled.model.outputs, names: flat.map(\.name), logits: logits, to: &merged)
    return try built.appending(Array(merged.layers[built.model.layers.count...]), outputs: [output])
  }

  /// Checks, before any compute, that the mode can combine the members' output shapes.
  static func check(_ outputs: [(member: String, shape: Shape)], mode: MergeMode) throws {
    let shapes = outputs.map(\.shape)
    guard case .concat(let axis) = mode else {
      guard Set(shapes.map { Shape($0.features) }).count == 1 else { throw MergeError.shapesDiffer(mode, outputs) }
      return
    }
    let rank = shapes[0].rank
    guard shapes.allSatisfy({ $0.rank == rank }) else { throw MergeError.concatRanks(outputs) }
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 1, resolved < rank else { throw MergeError.concatAxis(axis, rank: rank, outputs) }
    for dimension in 1..<rank where dimension != resolved {
      guard Set(shapes.map { $0.dims[dimension] }).count == 1 else {
        throw MergeError.concatDimension(axis: axis, dimension: dimension, outputs)
      }
    }
  }
}
