import CurateCore
import Foundation
import Testing

/// The value model reads and writes the sandbox's tagged JSON exactly.
struct TaggedJSONTests {
    @Test(arguments: [
        ("null", PythonValue.none),
        ("true", .bool(true)),
        ("-7", .int(-7)),
        ("123456789012345678901234567890", .bigInt("123456789012345678901234567890")),
        ("[\"x\",\"-0x1f\"]", .bigInt("-0x1f")),
        ("0.1", .float(0.1)),
        ("-0.0", .float(-0.0)),
        ("1e+100", .float(1e100)),
        ("Infinity", .float(.infinity)),
        ("[\"c\",3.0,-4.5]", .complex(3, -4.5)),
        ("\"h\\u00e9\\n\\\"\"", .str("hé\n\"")),
        ("[\"y\",\"AP8=\"]", .bytes([0, 255], mutable: false)),
        ("[\"Y\",\"YWI=\"]", .bytes([97, 98], mutable: true)),
        (
            "[\"l\",1,[\"t\",\"a\",null],[\"s\"]]",
            .sequence(.list, [.int(1), .sequence(.tuple, [.str("a"), .none]), .sequence(.set, [])])
        ),
        ("[\"f\",2]", .sequence(.frozenset, [.int(2)])),
        ("[\"q\",1]", .sequence(.deque, [.int(1)])),
        (
            "[\"d\",[\"t\",1,2],[\"l\"]]",
            .mapping(.dict, [.sequence(.tuple, [.int(1), .int(2)])], [.sequence(.list, [])])
        ),
        ("[\"k\",\"a\",2]", .mapping(.counter, [.str("a")], [.int(2)])),
        ("[\"o\"]", .mapping(.orderedDict, [], [])),
        ("[\"g\",\"math\",\"sqrt\"]", .opaque("[\"g\",\"math\",\"sqrt\"]")),
    ])
    func roundTrips(_ text: String, _ value: PythonValue) throws {
        let read = try TaggedJSON.value(text)
        #expect(read == value || (read.typeSignature == "float" && read.matches(value)))
        let written = TaggedJSON.text(value)
        #expect(try TaggedJSON.value(written) == read)
    }

    @Test func surrogatePairsAndEscapesDecode() throws {
        #expect(try TaggedJSON.value("\"\\ud83d\\ude00\\t\"") == .str("😀\t"))
        #expect(TaggedJSON.text(.str("\u{1}é")) == "\"\\u0001é\"")
    }

    @Test(arguments: ["[1,", "[\"l\",1", "\"open", "{}", "1 2", "[\"y\",\"@@\"]x"])
    func malformedTextIsRefused(_ text: String) {
        #expect(throws: TaggedJSON.Malformed.self) { try TaggedJSON.value(text) }
    }

    @Test func argumentListsAreArraysOfValues() throws {
        #expect(try TaggedJSON.arguments("[[\"l\",1],\"a\"]") == [.sequence(.list, [.int(1)]), .str("a")])
        #expect(TaggedJSON.text(arguments: [.float(2), .none]) == "[2.0,null]")
        #expect(throws: TaggedJSON.Malformed.self) { try TaggedJSON.arguments("1") }
    }

    @Test(arguments: [
        (
            PythonValue.sequence(.set, [.str("a"), .str("b")]), PythonValue.sequence(.set, [.str("b"), .str("a")]), true
        ),
        (.sequence(.list, [.str("a"), .str("b")]), .sequence(.list, [.str("b"), .str("a")]), false),
        (
            .mapping(.dict, [.int(1), .int(2)], [.str("x"), .str("y")]),
            .mapping(.counter, [.int(2), .int(1)], [.str("y"), .str("x")]), true
        ),
        (.float(0.1 + 0.2), .float(0.3), true),
        (.float(0.3), .float(0.30001), false),
        (.int(1), .float(1), true),
        (.bool(true), .int(1), true),
        (.sequence(.tuple, [.int(1)]), .sequence(.list, [.int(1)]), false),
        (.sequence(.set, [.int(1)]), .sequence(.frozenset, [.int(1)]), true),
        (.str("1"), .int(1), false),
    ])
    func equalityIsPythons(_ a: PythonValue, _ b: PythonValue, _ equal: Bool) {
        #expect(a.matches(b) == equal)
        #expect(b.matches(a) == equal)
    }

    @Test func typeSignaturesNameElementTypes() throws {
        #expect(try TaggedJSON.value("[\"l\",1,2]").typeSignature == "list[int]")
        #expect(try TaggedJSON.value("[\"t\",\"a\",1.5]").typeSignature == "tuple[str, float]")
        #expect(
            try TaggedJSON.value("[\"d\",\"a\",[\"l\",1],\"b\",[\"l\"]]").typeSignature == "dict[str, list[int]|list[]]"
        )
        #expect(!(try TaggedJSON.value("[\"l\",[\"h\",0]]").isPlain))
    }
}
