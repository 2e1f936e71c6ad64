import JSON
import XCTest

final class JSONTests: XCTestCase {
  func testParsesPythonFloatsAndEscapes() throws {
    let value = try JSONValue.parse(#"{"a": NaN, "b": -Infinity, "c": "\u00e9\n", "d": [1, 2.5e-3, null, true]}"#)
    XCTAssertTrue(value["a"]?.double?.isNaN ?? false)
    XCTAssertEqual(value["b"]?.double, -.infinity)
    XCTAssertEqual(value["c"]?.string, "é\n")
    XCTAssertEqual(value["d"]?[1]?.double, 0.0025)
    XCTAssertEqual(value["d"]?[2], .null)
  }

  func testKeepsKeyOrderWhenWriting() throws {
    let text = #"{"z": 1, "a": [0.5, "x"], "m": {}}"#
    XCTAssertEqual(try JSONValue.parse(text).text, text)
  }

  func testRejectsBrokenDocuments() {
    XCTAssertThrowsError(try JSONValue.parse(#"{"a": 1"#))
    XCTAssertThrowsError(try JSONValue.parse(#"{"a" 1}"#))
    XCTAssertThrowsError(try JSONValue.parse("[1] 2"))
  }
}
