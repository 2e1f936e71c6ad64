import ArgumentParser

/// `ensemble`: combine Keras models without writing Python.
@main
struct EnsembleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ensemble",
    abstract: "Combine, run and inspect Keras models (.h5, .keras) without Python.",
    discussion: """
      Data goes to stdout; messages and progress go to stderr.

      Exit codes:
        0   success
        1   a model, input or output could not be used
        64  bad usage
      """,
    version: "0.1.0",
    subcommands: [Merge.self, Predict.self, Summary.self])
}
