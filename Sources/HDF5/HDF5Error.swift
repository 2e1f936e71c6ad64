/// A failure inside an HDF5 file, naming the file and the object path.
public struct HDF5Error: Error, CustomStringConvertible, Equatable {
  public let file: String
  public let path: String
  public let message: String

  public init(file: String, path: String, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  public var description: String { "\(file): \(path): \(message)" }
}
