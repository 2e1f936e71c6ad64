import Foundation

/// The weighted product rule on probabilities: `softmax_c(Σ wᵢ·log Pᵢc)` per row, a sigmoid
/// output taken as the two outcomes (1 − p, p); values clipped at the float32 epsilon first.
public enum WeightedProduct {
  public static func apply(_ members: [Table], _ weights: [Double]) -> Table {
    let binary = members[0].width == 1
    var out = [Double](repeating: 0, count: members[0].values.count)
    for row in 0..<members[0].rows {
      let classes = binary ? 2 : members[0].width
      var s = [Double](repeating: 0, count: classes)
      for (member, weight) in zip(members, weights) {
        for c in 0..<classes {
          let p = binary ? (c == 1 ? member[row, 0] : 1 - member[row, 0]) : member[row, c]
          s[c] += weight * log(max(p, Metric.epsilon))
        }
      }
      let top = s.max() ?? 0
      let e = s.map { exp($0 - top) }
      let total = e.reduce(0, +)
      if binary { out[row] = e[1] / total } else { for c in 0..<classes { out[row * classes + c] = e[c] / total } }
    }
    return Table(rows: members[0].rows, width: members[0].width, values: out)
  }
}
