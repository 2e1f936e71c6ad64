import Foundation

/// The ensemble rules that no Keras layer computes: the weighted product of positive outputs
/// and hard voting. Inputs share one shape; the last axis holds the classes (or values).
enum Voting {
  /// `y = exp(Σᵢ wᵢ·log xᵢ) = Πᵢ xᵢ^wᵢ`; a value ≤ 0 (or NaN) fails, naming its input and row.
  static func weightedProduct(
    _ weights: [Float], names: [String], _ xs: [UnsafePointer<Float>], _ y: UnsafeMutablePointer<Float>,
    shape: [Int]
  ) -> GraphError? {
    let count = shape.reduce(1, *), perRow = count / max(shape[0], 1)
    y.update(repeating: 0, count: count)
    for (index, x) in xs.enumerated() {
      for i in 0..<count {
        guard x[i] > 0 else {
          return .badRow(
            i / perRow,
            "\(names[index]) gives \(x[i]) at output \(i % perRow); the weighted product needs positive outputs")
        }
        y[i] += weights[index] * Foundation.log(x[i])
      }
    }
    for i in 0..<count { y[i] = Foundation.exp(y[i]) }
    return nil
  }

  /// One-hot of `argmax_c Σᵢ wᵢ·[argmax(xᵢ) = c]` per position; argmax takes the first maximum.
  static func hardVote(
    _ weights: [Float], _ xs: [UnsafePointer<Float>], _ y: UnsafeMutablePointer<Float>, shape: [Int]
  ) {
    let classes = shape[shape.count - 1], positions = shape.reduce(1, *) / classes
    var votes = [Float](repeating: 0, count: classes)
    for position in 0..<positions {
      votes.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
      for (index, x) in xs.enumerated() {
        let row = x + position * classes
        var best = 0
        for c in 1..<max(classes, 1) where row[c] > row[best] { best = c }
        votes[best] += weights[index]
      }
      var winner = 0
      for c in 1..<max(classes, 1) where votes[c] > votes[winner] { winner = c }
      let out = y + position * classes
      out.update(repeating: 0, count: classes)
      out[winner] = 1
    }
  }
}
