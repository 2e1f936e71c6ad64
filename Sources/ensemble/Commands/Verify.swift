import ArgumentParser
import Foundation
import Graph
import Keras

/// `ensemble verify FILE`: what can be checked of a model file without its author.
struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a model file: weight shapes against the config, NaN/Inf weights, and its stored test vector.",
    discussion: """
      HDF5 checksums only some of its own structures, and never the weights of a Keras file, so \
      bytes changed inside a weight can go unseen. verify reads every weight and checks its shape \
      against the config (as every command does), reports NaN and Inf weights, and, when the file \
      carries a test vector (ensemble merge stores input rows and their outputs in every .h5 it \
      writes), computes it again and compares (to 1e-4). Exit 0 when every check passes, 65 when \
      one fails.
      """)

  @Argument(help: "A model file (.h5 or .keras).")
  var file: String

  func run() throws {
    let built = try ModelSource.load(file).build()
    var lines: [String] = []
    var problems = 0
    let tensors = built.model.weightTensors
    lines.append(
      "\(file): \(built.model.orderedLayers.count) layers, \(tensors.count) weight tensors, shapes match the config")
    for layer in built.model.layers {
      let values = layer.weights.flatMap(\.data) + (layer.submodel?.weightTensors.flatMap(\.data) ?? [])
      let (nan, infinite) = (values.filter(\.isNaN).count, values.filter(\.isInfinite).count)
      guard nan + infinite > 0 else { continue }
      lines.append("problem: layer '\(layer.name)' has \(nan) NaN and \(infinite) infinite weight values")
      problems += 1
    }
    if problems == 0 { lines.append("no NaN or infinite weights") }
    if let vector = try ModelFile.storedTestVector(file) {
      let outputs = try Executor(built.graph).predict(vector.inputs)
      var worst: Float = 0
      var matches = outputs.count == vector.outputs.count
      for (output, expected) in zip(outputs, vector.outputs) {
        guard output.shape == expected.shape else {
          matches = false
          continue
        }
        for (a, e) in zip(output.data, expected.data) {
          let difference = abs(a - e)
          if !(difference <= 1e-4 + 1e-4 * abs(e)) { matches = false }
          worst = max(worst, difference.isNaN ? .infinity : difference)
        }
      }
      let rows = vector.inputs.first?.shape.first ?? 0
      if matches {
        lines.append("stored test vector: \(rows) rows, the outputs match (largest difference \(worst))")
      } else {
        lines.append(
          "problem: the outputs differ from the stored test vector (\(rows) rows, largest difference \(worst)): "
            + "the weights changed after the file was written")
        problems += 1
      }
    } else {
      lines.append("no stored test vector (ensemble merge writes one into every .h5)")
    }
    lines.append(problems == 0 ? "ok" : "\(problems) problem\(problems == 1 ? "" : "s")")
    try StandardStream.output.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    if problems > 0 { throw ExitCode(ExitStatus.dataError.rawValue) }
  }
}
