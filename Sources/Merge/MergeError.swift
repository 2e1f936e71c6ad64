import Graph
import Keras

/// Why models cannot be merged, with the facts a message needs. The wording takes a name for
/// each mode, so the command line can name its flags: `message(naming:)`.
public enum MergeError: Error, CustomStringConvertible {
  case tooFewMembers(Int)
  case weightCount(weights: Int, members: Int)
  /// The mode takes a fixed number of members.
  case memberCount(MergeMode, expected: Int, got: Int)
  /// A member with other than one output, with its output layers.
  case outputCount(member: String, outputs: [String])
  /// The mode needs outputs of one shape; every member's output shape.
  case shapesDiffer(MergeMode, [(member: String, shape: Shape)])
  case concatRanks([(member: String, shape: Shape)])
  case concatAxis(Int, rank: Int, [(member: String, shape: Shape)])
  case concatDimension(axis: Int, dimension: Int, [(member: String, shape: Shape)])
  /// Weight-space merges need one architecture: the two members and their first difference.
  case architectureDiffers(String, String, String)
  case slerpCount(Int)
  case missingBase
  /// A member that cannot be read as a merge needs it.
  case member(String, KerasError)

  public var description: String { message(naming: \.name) }

  /// The message, with modes spelled by `name`.
  public func message(naming name: (MergeMode) -> String) -> String {
    func listing(_ members: [(member: String, shape: Shape)]) -> String {
      members.map { "\($0.member) gives \($0.shape)" }.joined(separator: ", ")
    }
    switch self {
    case .tooFewMembers(let count): return "a merge needs at least two models, got \(count)"
    case .weightCount(let weights, let members): return "\(weights) weights for \(members) models"
    case .memberCount(let mode, let expected, let got):
      return "\(name(mode)) takes exactly \(expected) models, got \(got)"
    case .outputCount(let member, let outputs):
      return "\(member) has \(outputs.count) outputs (\(outputs.joined(separator: ", "))); "
        + "each model in a merge must have exactly one"
    case .shapesDiffer(let mode, let members):
      return "\(name(mode)) needs outputs of one shape, but \(listing(members)); "
        + "\(name(.concat(axis: -1))) joins outputs of different widths"
    case .concatRanks(let members): return "cannot concatenate outputs of different ranks: \(listing(members))"
    case .concatAxis(let axis, let rank, let members):
      return "axis \(axis) is not a feature axis of outputs of rank \(rank) (\(listing(members)))"
    case .concatDimension(let axis, let dimension, let members):
      return "cannot concatenate along axis \(axis): dimension \(dimension) differs (\(listing(members)))"
    case .architectureDiffers(let first, let other, let difference):
      return "\(first) and \(other) differ in architecture, so their weights cannot be combined: \(difference)"
    case .slerpCount(let count): return "spherical interpolation takes exactly two models, got \(count)"
    case .missingBase: return "task arithmetic needs a base model"
    case .member(let name, let error): return error.inFile(name).description
    }
  }
}
