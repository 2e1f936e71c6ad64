import Foundation
import Graph
import Keras

/// Merges in weight space: members of one architecture (fine-tunes of one base, checkpoints
/// of one run) become one model whose weights are combined, so it costs what one member
/// costs. The result keeps the first member's architecture and names.
public enum WeightSpace {
  public enum Mode: Equatable {
    /// `Σ wᵢ·θᵢ`, one weight per member (BatchNormalization's moving statistics included).
    case soup([Float])
    /// Spherical interpolation at `t` between two members, per tensor (see `slerp`).
    case slerp(Float)
    /// `θ_base + scale·Σ(θᵢ − θ_base)`.
    case taskArithmetic(scale: Float)
  }

  /// Members whose weights correlate below this with the first member's (or the base's) are
  /// warned about (see `similarity`): fine-tunes of one base stay near 1, models trained from
  /// different initialisations fall near 0, and their soup is usually worse than either.
  public static let similarityWarning = 0.5

  /// The merged model, and warnings for members that are far apart in weight space.
  public static func merge(_ members: [Ensemble.Member], mode: Mode, base: Ensemble.Member? = nil) throws -> (
    model: KerasModel, warnings: [String]
  ) {
    guard members.count >= 2 || (base != nil && !members.isEmpty) else {
      throw MergeError.tooFewMembers(members.count)
    }
    let reference = base ?? members[0]
    for member in members + (base.map { [$0] } ?? []) where member.name != reference.name {
      if let difference = reference.model.architectureDifference(from: member.model) {
        throw MergeError.architectureDiffers(reference.name, member.name, difference)
      }
    }
    let tensors = members.map(\.model.weightTensors)
    let combined: [Tensor]
    switch mode {
    case .soup(let weights):
      guard weights.count == members.count else {
        throw MergeError.weightCount(weights: weights.count, members: members.count)
      }
      combined = (0..<tensors[0].count).map { index in
        linear(tensors.map { $0[index] }, weights.map(Double.init))
      }
    case .slerp(let t):
      guard members.count == 2 else { throw MergeError.slerpCount(members.count) }
      combined = zip(tensors[0], tensors[1]).map { slerp(Double(t), $0, $1) }
    case .taskArithmetic(let scale):
      guard let base else { throw MergeError.missingBase }
      let origin = base.model.weightTensors
      // base + S·Σ(θᵢ − base) = (1 − S·N)·base + S·Σ θᵢ.
      let weights = [1 - Double(scale) * Double(members.count)] + Array(repeating: Double(scale), count: members.count)
      combined = origin.indices.map { index in linear([origin[index]] + tensors.map { $0[index] }, weights) }
    }
    let referenceTensors = reference.model.weightTensors
    let warnings = members.filter { $0.name != reference.name }.compactMap { member -> String? in
      let correlation = similarity(referenceTensors, member.model.weightTensors)
      guard correlation < similarityWarning else { return nil }
      return String(
        format: "%@ and %@ are far apart in weight space (their weights correlate %.2f, fine-tunes of one base "
          + "near 1); a soup of models trained from different starts is usually worse than either, and merging "
          + "their outputs is the safer choice", member.name, reference.name, correlation)
    }
    return (reference.model.replacingWeights(combined), warnings)
  }

  /// `Σ wᵢ·tᵢ` in double precision.
  static func linear(_ tensors: [Tensor], _ weights: [Double]) -> Tensor {
    var sum = [Double](repeating: 0, count: tensors[0].count)
    for (tensor, weight) in zip(tensors, weights) {
      for i in sum.indices { sum[i] += weight * Double(tensor.data[i]) }
    }
    return Tensor(shape: tensors[0].shape, data: sum.map(Float.init))
  }

  /// mergekit's slerp: with `v̂ = v/max(‖v‖, 1e-8)` and `d = v̂₀·v̂₁`, linear `(1−t)·v₀ + t·v₁`
  /// when `|d| > 0.9995` (nearly parallel), else with `θ = acos(d)`:
  /// `sin((1−t)θ)/sin θ · v₀ + sin(tθ)/sin θ · v₁`.
  static func slerp(_ t: Double, _ a: Tensor, _ b: Tensor) -> Tensor {
    let (x, y) = (a.data.map(Double.init), b.data.map(Double.init))
    let (normX, normY) = (max(norm(x), 1e-8), max(norm(y), 1e-8))
    let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / (normX * normY)
    guard abs(dot) <= 0.9995 else { return linear([a, b], [1 - t, t]) }
    let theta = acos(dot)
    let (s0, s1) = (sin((1 - t) * theta) / sin(theta), sin(t * theta) / sin(theta))
    return linear([a, b], [s0, s1])
  }

  private static func norm(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

  /// How alike two models' weights are: per tensor, the correlation of its values (the cosine
  /// of the mean-centred tensors, so that all-positive statistics such as variances do not
  /// look alike by their sign alone), averaged with each tensor's size as its weight; tensors
  /// of one value, or constant, are left out.
  static func similarity(_ a: [Tensor], _ b: [Tensor]) -> Double {
    var (total, count) = (0.0, 0.0)
    for (x, y) in zip(a, b) where x.count > 1 {
      let (meanX, meanY) = (mean(x.data), mean(y.data))
      var (dot, normX, normY) = (0.0, 0.0, 0.0)
      for (p, q) in zip(x.data, y.data) {
        let (u, v) = (Double(p) - meanX, Double(q) - meanY)
        (dot, normX, normY) = (dot + u * v, normX + u * u, normY + v * v)
      }
      guard normX > 0, normY > 0 else { continue }
      total += Double(x.count) * dot / (normX * normY).squareRoot()
      count += Double(x.count)
    }
    return count > 0 ? total / count : 1
  }

  private static func mean(_ values: [Float]) -> Double { values.reduce(0) { $0 + Double($1) } / Double(values.count) }
}
