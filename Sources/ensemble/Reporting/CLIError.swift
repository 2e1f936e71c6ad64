/// A run-time failure of the command line itself (exit code 1).
struct CLIError: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) { self.description = description }
}
