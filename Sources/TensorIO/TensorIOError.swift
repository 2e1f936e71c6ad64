/// A data file that cannot be read as a tensor, naming the file and what is wrong.
public struct TensorIOError: Error, CustomStringConvertible {
  public let file: String
  public let message: String

  public init(file: String, _ message: String) {
    self.file = file
    self.message = message
  }

  public var description: String { "\(file): \(message)" }
}
