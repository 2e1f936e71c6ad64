/// Greedy forward selection with replacement (Caruana et al. 2004, the method behind
/// AutoGluon's and auto-sklearn's final ensembles): start from the best member alone, then in
/// each round add (again, possibly) the member whose addition makes the averaged prediction
/// best on `metric`; the weights are the counts of the best ensemble seen, over the total.
public enum Selection {
  public static func select(_ members: [Table], _ targets: Targets, metric: Metric, rounds: Int = 25)
    -> (weights: [Double], value: Double)
  {
    // The running sum of the chosen members' outputs: a trial costs one pass over one member.
    var sum = [Double](repeating: 0, count: members[0].values.count)
    var trial = sum
    var counts = [Int](repeating: 0, count: members.count)
    var best: (counts: [Int], score: Double) = ([], .infinity)
    for round in 0..<rounds {
      var choice: (member: Int, score: Double) = (0, .infinity)
      let scale = 1 / Double(round + 1)
      for (index, member) in members.enumerated() {
        for i in trial.indices { trial[i] = (sum[i] + member.values[i]) * scale }
        let value = metric.value(Table(rows: member.rows, width: member.width, values: trial), targets)
        let score = metric.higherIsBetter ? -value : value
        if score < choice.score { choice = (index, score) }
      }
      counts[choice.member] += 1
      for i in sum.indices { sum[i] += members[choice.member].values[i] }
      if choice.score < best.score { best = (counts, choice.score) }
    }
    let total = Double(best.counts.reduce(0, +))
    return (best.counts.map { Double($0) / total }, metric.higherIsBetter ? -best.score : best.score)
  }
}
