/// Rows of numbers in double precision: a member's outputs or the targets, `rows × width`,
/// row-major. Everything `Learn` computes works on these.
public struct Table: Equatable {
  public let rows: Int
  public let width: Int
  public var values: [Double]

  public init(rows: Int, width: Int, values: [Double]) {
    precondition(values.count == rows * width, "\(values.count) values for \(rows) × \(width)")
    self.rows = rows
    self.width = width
    self.values = values
  }

  public subscript(row: Int, column: Int) -> Double { values[row * width + column] }

  /// The rows at `indices`, in that order.
  public func rows(_ indices: [Int]) -> Table {
    Table(rows: indices.count, width: width, values: indices.flatMap { values[($0 * width)..<(($0 + 1) * width)] })
  }

  /// `Σ wᵢ·tableᵢ`, tables of one shape.
  public static func weightedSum(_ tables: [Table], _ weights: [Double]) -> Table {
    var sum = [Double](repeating: 0, count: tables[0].values.count)
    for (table, weight) in zip(tables, weights) where weight != 0 {
      for i in sum.indices { sum[i] += weight * table.values[i] }
    }
    return Table(rows: tables[0].rows, width: tables[0].width, values: sum)
  }

  /// The tables side by side: row r is row r of each, in order.
  public static func concatenated(_ tables: [Table]) -> Table {
    let width = tables.reduce(0) { $0 + $1.width }
    var values: [Double] = []
    values.reserveCapacity(tables[0].rows * width)
    for row in 0..<tables[0].rows {
      for table in tables { values += table.values[(row * table.width)..<((row + 1) * table.width)] }
    }
    return Table(rows: tables[0].rows, width: width, values: values)
  }
}
