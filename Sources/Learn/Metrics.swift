import Foundation

/// The metrics of predictions against targets, with scikit-learn's definitions:
/// `accuracy_score`, `top_k_accuracy_score`, `log_loss` (probabilities clipped to
/// [ε, 1 − ε] with ε the float32 machine epsilon, since the outputs are float32), `roc_auc_score`
/// (ties counted half), `mean_squared_error`, `mean_absolute_error` and `r2_score` (the mean
/// over outputs of 1 − SS_res/SS_tot).
public enum Metric: String, CaseIterable {
  case accuracy
  case topKAccuracy = "top_k_accuracy"
  case logLoss = "log_loss"
  case auc
  case mse
  case mae
  case r2

  /// Whether a larger value is better.
  public var higherIsBetter: Bool { [.accuracy, .topKAccuracy, .auc, .r2].contains(self) }

  /// The metrics that apply to a task (top-k only with more than k classes).
  public static func applying(to task: Task, classes: Int, topK: Int) -> [Metric] {
    switch task {
    case .classification: return [.accuracy] + (classes > topK ? [.topKAccuracy] : []) + [.logLoss]
    case .binary: return [.accuracy, .logLoss, .auc]
    case .regression: return [.mse, .mae, .r2]
    }
  }

  /// The clipping bound of `log_loss`.
  static let epsilon = Double(Float.ulpOfOne)

  /// The metric of `predictions` against `targets`.
  public func value(_ predictions: Table, _ targets: Targets, topK: Int = 5) -> Double {
    let n = Double(predictions.rows)
    switch self {
    case .accuracy:
      let correct = (0..<predictions.rows).filter { row in
        Metric.predicted(predictions, row, targets.task) == targets.labels[row]
      }
      return Double(correct.count) / n
    case .topKAccuracy:
      let hits = (0..<predictions.rows).filter { row in
        let truth = predictions[row, targets.labels[row]]
        // scikit-learn ranks by score; a class is in the top k when fewer than k score higher.
        return (0..<predictions.width).filter { predictions[row, $0] > truth }.count < topK
      }
      return Double(hits.count) / n
    case .logLoss:
      var total = 0.0
      for row in 0..<predictions.rows {
        if targets.task == .binary {
          let p = min(max(predictions[row, 0], Metric.epsilon), 1 - Metric.epsilon)
          total -= targets.table[row, 0] == 1 ? log(p) : log(1 - p)
        } else {
          for c in 0..<predictions.width where targets.table[row, c] > 0 {
            total -= targets.table[row, c] * log(min(max(predictions[row, c], Metric.epsilon), 1 - Metric.epsilon))
          }
        }
      }
      return total / n
    case .auc:
      return Metric.rocAUC(scores: predictions.values, positives: targets.labels.map { $0 == 1 })
    case .mse, .mae:
      let errors = zip(predictions.values, targets.table.values).map {
        self == .mse ? ($0 - $1) * ($0 - $1) : abs($0 - $1)
      }
      return errors.reduce(0, +) / Double(errors.count)
    case .r2:
      let scores = (0..<predictions.width).map { column -> Double in
        let truth = (0..<predictions.rows).map { targets.table[$0, column] }
        let mean = truth.reduce(0, +) / n
        let total = truth.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let residual = (0..<predictions.rows).reduce(0.0) { sum, row in
          let e = truth[row] - predictions[row, column]
          return sum + e * e
        }
        return total == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / total
      }
      return scores.reduce(0, +) / Double(scores.count)
    }
  }

  /// The class a row predicts: its argmax (the first of equal maxima), or p ≥ 0.5 for binary.
  static func predicted(_ predictions: Table, _ row: Int, _ task: Task) -> Int {
    if task == .binary { return predictions[row, 0] >= 0.5 ? 1 : 0 }
    var best = 0
    for c in 1..<max(predictions.width, 1) where predictions[row, c] > predictions[row, best] { best = c }
    return best
  }

  /// The area under the ROC curve: the Mann–Whitney statistic, ties between a positive and a
  /// negative counting one half.
  static func rocAUC(scores: [Double], positives: [Bool]) -> Double {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var ranks = [Double](repeating: 0, count: scores.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
      let rank = Double(start + end) / 2 + 1
      for index in start...end { ranks[order[index]] = rank }
      start = end + 1
    }
    let positiveCount = Double(positives.filter { $0 }.count), negativeCount = Double(positives.count) - positiveCount
    guard positiveCount > 0, negativeCount > 0 else { return .nan }
    let rankSum = zip(ranks, positives).filter(\.1).reduce(0) { $0 + $1.0 }
    return (rankSum - positiveCount * (positiveCount + 1) / 2) / (positiveCount * negativeCount)
  }
}
