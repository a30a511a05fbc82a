import Testing

@testable import CurateCore

/// The byte-level scans behind lint and entry-point inference.
struct PythonSourceScanTests {
    @Test(arguments: [
        ("x = größe(1) + f (2) + a.b(3)", ["größe", "f"]),
        ("print('→ a(1)')  # g(2)\nh(3)", ["print", "h"]),
        ("s = \"\"\"multi\nline k(1)\"\"\"\nm(2)", ["m"]),
        ("r'\\'' + n(1) + 'a\\'b'", ["n"]),
        ("変数(1) + ①(2) + _x9(3) + 9y(4)", ["変数", "_x9", "y"]),
        ("f(g(h()))", ["f", "g", "h"]),
    ])
    func calledNames(code: String, expected: [String]) {
        #expect(PythonSource.calledNames(code) == expected)
    }

    @Test(arguments: [
        ("a = 'x' # c\r\nb = \"y\"", "a = \"\" \nb = \"\""),
        ("t = '''x\n'y'\n''' + 'é'", "t = \"\" + \"\""),
        ("z = 'open\nw = 1", "z = \"\"\nw = 1"),
    ])
    func stringsAndCommentsAreBlanked(code: String, expected: String) {
        #expect(PythonSource.strippingStringsAndComments(code) == expected)
    }
}
