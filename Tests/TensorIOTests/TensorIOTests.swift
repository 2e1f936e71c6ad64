import Foundation
import Graph
import TensorIO
import XCTest
import _TestSupport

final class TensorIOTests: XCTestCase {
  func testReadsNumpyFloatAndIntegerFiles() throws {
    let floats = try Fixtures.npy("expected/k2_mlp.input0.npy")
    XCTAssertEqual(floats.shape, [16, 6])
    let ids = try Fixtures.npy("expected/k2_embedding.input0.npy")
    XCTAssertEqual(ids.shape, [16, 7])
    XCTAssertTrue(ids.data.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 < 20 })
  }

  func testNpyWriteReadRoundTrip() throws {
    let tensor = Tensor(shape: [2, 3], data: [1, -2, 3.5, 0, 1e-7, 42])
    XCTAssertEqual(try NPY.read(NPY.write(tensor)), tensor)
    let vector = Tensor(shape: [3], data: [1, 2, 3])
    XCTAssertEqual(try NPY.read(NPY.write(vector)), vector)
  }

  func testTextSkipsAHeaderByTheStatedRuleAndChecksWidth() throws {
    let tensor = try DelimitedReader.read("a,b,c,d\n1,2,3,4\n5,6,7,8\n", featureShape: [2, 2])
    XCTAssertEqual(tensor, Tensor(shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8]))
    // pandas' default column names over fractional data are a header; over integers, data.
    XCTAssertEqual(try DelimitedReader.read("0,1\n0.5,2\n", featureShape: [2]).data, [0.5, 2])
    XCTAssertEqual(try DelimitedReader.read("0,1\n3,2\n", featureShape: [2]).data, [0, 1, 3, 2])
    // A byte order mark, quotes, blanks, CRLF, tabs, semicolons and blank-separated numbers.
    XCTAssertEqual(try DelimitedReader.read("\u{FEFF}\"1.5\", 2\r\n\n3,4\n", featureShape: [2]).data, [1.5, 2, 3, 4])
    XCTAssertEqual(try DelimitedReader.read("1\t2\n3\t4", featureShape: [2]).data, [1, 2, 3, 4])
    XCTAssertEqual(try DelimitedReader.read("1;2\n", featureShape: [2]).data, [1, 2])
    XCTAssertEqual(try DelimitedReader.read("1.0e+00  2.5e-01\n", featureShape: [2]).data, [1, 0.25])
    XCTAssertThrowsError(try DelimitedReader.read("1,2,3\n", featureShape: [4], file: "x.csv")) { error in
      XCTAssertEqual("\(error)", "x.csv: line 1 has 3 values, expected 4")
    }
  }

  func testABadCellNamesItsLineColumnAndText() {
    XCTAssertThrowsError(try DelimitedReader.read("x,y\n1,2\n\n3,N/A\n", featureShape: [2], file: "x.csv")) { error in
      XCTAssertEqual("\(error)", "x.csv: line 4, column 2: 'N/A' is not a number")
    }
    XCTAssertThrowsError(try DelimitedReader.read("1,?\n1,2\n", featureShape: [2], file: "x.csv")) { error in
      XCTAssertEqual(
        "\(error)", "x.csv: line 1, column 2: '?' is not a number (if the first line is a header, pass --header)")
    }
  }

  func testFloatsAreSpelledAsSwiftSpellsThemAndReadBackExactly() {
    var generator = SystemRandomNumberGenerator()
    var text: [UInt8] = []
    for index in 0..<200_000 {
      let value =
        index % 2 == 0
        ? Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
        : Float(Int.random(in: -100_000...100_000, using: &generator)) / [1, 10, 1000, 8][index % 4]
      guard value.isFinite else { continue }
      text.removeAll(keepingCapacity: true)
      FloatFormatting.append(value, to: &text)
      let spelled = String(decoding: text, as: UTF8.self)
      XCTAssertEqual(spelled, value.description)
      let parsed = text.withUnsafeBufferPointer { FloatParsing.parse($0) }
      XCTAssertEqual(parsed?.bitPattern, Float(spelled)?.bitPattern, spelled)
    }
    // Decimals of every length, as other tools write them, read as strtof (Swift's Float(_:)) reads them.
    for index in 0..<200_000 {
      let value = Double.random(in: -1...1, using: &generator) * pow(10, Double(index % 40 - 20))
      let spelling = String(format: ["%.17g", "%.9g", "%.6g", "%.3f", "%.12e"][index % 5], value)
      let parsed = Array(spelling.utf8).withUnsafeBufferPointer { FloatParsing.parse($0) }
      XCTAssertEqual(parsed?.bitPattern, Float(spelling)?.bitPattern, spelling)
    }
    for spelling in ["0.1", "3.4028235e38", "1e-45", "1.17549435e-38", "-0", "16777217", "0.30000001192092896"] {
      let parsed = Array(spelling.utf8).withUnsafeBufferPointer { FloatParsing.parse($0) }
      XCTAssertEqual(parsed?.bitPattern, Float(spelling)?.bitPattern, spelling)
    }
  }

  /// Plain lines take the C fast path and every other kind of line the general one; mixed in
  /// one text, each value still reads as strtof (Swift's Float(_:)) reads its field.
  func testPlainAndUnusualLinesMixedReadAsStrtofReadsEachField() throws {
    var generator = SystemRandomNumberGenerator()
    var text = "1,2,3\n"
    var expected: [Float] = [1, 2, 3]
    for index in 0..<20_000 {
      let values = (0..<3).map { _ in Double.random(in: -1...1, using: &generator) * pow(10, Double(index % 30 - 15)) }
      let format = ["%.9g", "%.17g", "%.12e", "%.3f", "%g"][index % 5]
      var fields = values.map { String(format: format, $0) }
      if index % 97 == 0 { fields[1] = ["nan", "-inf", "1e40", "-0"][index / 97 % 4] }
      expected += fields.map { Float($0)! }
      switch index % 7 {
      case 0: text += fields.map { "\"\($0)\"" }.joined(separator: ",") + "\n"
      case 1: text += fields.joined(separator: " , ") + "\r\n"
      case 2: text += fields.joined(separator: ",") + "\n\n"
      default: text += fields.joined(separator: ",") + "\n"
      }
    }
    let tensor = try DelimitedReader.read(text, featureShape: [3])
    XCTAssertEqual(tensor.shape, [expected.count / 3, 3])
    for (index, (got, want)) in zip(tensor.data, expected).enumerated() where got.bitPattern != want.bitPattern {
      XCTFail("value \(index): read \(got), strtof reads \(want)")
      break
    }
  }

  func testWritersSpellSeveralOutputsWithAHeader() throws {
    let a = Tensor(shape: [2, 1], data: [1, 2]), b = Tensor(shape: [2, 2], data: [3, 4, 5, 6])
    var csv = DelimitedWriter(delimiter: UInt8(ascii: ","), precision: nil, header: false)
    let both = [OutputColumns(name: "a", tensor: a), OutputColumns(name: "b", tensor: b)]
    XCTAssertEqual(
      String(decoding: try csv.write(both, rows: 2), as: UTF8.self), "a[0],b[0],b[1]\n1.0,3.0,4.0\n2.0,5.0,6.0\n")
    var ndjson = NDJSONWriter(precision: nil)
    XCTAssertEqual(
      String(decoding: try ndjson.write(both, rows: 1), as: UTF8.self), "{\"a\":[1.0],\"b\":[3.0,4.0]}\n")
    let (classes, scores) = OutputColumns.topK(
      Tensor(shape: [2, 3], data: [0.2, 0.5, 0.3, 0.4, 0.4, 0.2]), k: 2, name: "p")
    guard case .indices(let indices) = classes.values, case .floats(let best) = scores.values else {
      return XCTFail("top-k gives indices and scores")
    }
    XCTAssertEqual(indices, [1, 2, 0, 1])
    XCTAssertEqual(best, [0.5, 0.3, 0.4, 0.4])
  }
}
