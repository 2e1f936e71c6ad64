import Graph
import JSON

extension LayerKind {
  /// The weighted product rule over members whose outputs are not all softmax or all sigmoid:
  /// `Πᵢ outᵢ^wᵢ`, computed by ensemble alone (see `StockLayer.weightedProduct`).
  static let weightedProduct = LayerKind(
    unwritable:
      "the weighted product of outputs that are not all softmax or all sigmoid is a power, which no stock "
      + "Keras layer computes",
    build: { context in
      let names = context.config["names"]?.array?.compactMap(\.string) ?? []
      return [try context.add(.weightedProduct(weights: try context.floats("weights"), names: names))]
    })

  /// Hard voting: the one-hot of the class with most (weighted) votes (see `StockLayer.hardVote`).
  static let hardVote = LayerKind(
    unwritable: "a hard vote takes an argmax, which no stock Keras layer computes",
    build: { context in [try context.add(.hardVote(weights: try context.floats("weights")))] })
}

extension LayerContext {
  /// A list of numbers in the config.
  func floats(_ key: String) throws -> [Float] {
    guard let items = config[key]?.array, items.allSatisfy({ $0.double != nil }) else {
      throw error("config '\(key)' is missing or not a list of numbers")
    }
    return items.compactMap(\.double).map(Float.init)
  }
}
