import Foundation

/// One MathQA DSL operation: its arity, its Python rendering and its value.
public struct MathQAOperation: Sendable {
    public var name: String
    public var arity: Int
    /// Python expression of the published conversion, `{0}`… standing for the arguments; nil when the published
    /// conversion left the operation unimplemented. Calls into scipy are rendered with the standard library.
    public var compatPython: String?
    /// Python expression of the extended conversion (standard library only).
    public var python: String
    /// The operation's value as the published conversion computes it in-process; nil where Python would raise.
    public var evaluate: @Sendable ([Double]) -> Double?

    /// Fills the template with argument expressions.
    public static func render(_ template: String, _ arguments: [String]) -> String {
        var out = template
        for (i, argument) in arguments.enumerated() {
            out = out.replacingOccurrences(of: "{\(i)}", with: argument)
        }
        return out
    }
}

/// The operation tables of the two conversion modes.
public enum MathQAOperations {
    /// Operations the published conversion implements, with its Python (including its stream-operation bug).
    public static let compat: [String: MathQAOperation] = Dictionary(
        uniqueKeysWithValues: all.filter { $0.compatPython != nil }.map { ($0.name, $0) })

    /// Every operation, with corrected Python.
    public static let extended: [String: MathQAOperation] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    private static func op(
        _ name: String, _ arity: Int, _ compat: String?, _ python: String? = nil,
        _ evaluate: @escaping @Sendable ([Double]) -> Double?
    ) -> MathQAOperation {
        MathQAOperation(name: name, arity: arity, compatPython: compat, python: python ?? compat!, evaluate: evaluate)
    }

    static let all: [MathQAOperation] = [
        op("add", 2, "{0} + {1}") { $0[0] + $0[1] },
        op("subtract", 2, "{0} - {1}") { $0[0] - $0[1] },
        op("multiply", 2, "{0} * {1}") { $0[0] * $0[1] },
        op("divide", 2, "{0} / {1}") { $0[1] != 0 ? $0[0] / $0[1] : 0 },
        op("speed", 2, "{0} / {1}") { $0[1] != 0 ? $0[0] / $0[1] : 0 },
        op("inverse", 1, "1 / {0}") { $0[0] != 0 ? 1 / $0[0] : 0 },
        op("negate", 1, "-{0}") { -$0[0] },
        op("power", 2, "{0}**min({1}, 5)") { Py.pow($0[0], Py.min($0[1], 5)) },
        op("sqrt", 1, "math.sqrt(max(0, {0}))") { Foundation.sqrt(Py.max(0, $0[0])) },
        op("log", 1, "math.log(max(1e-5, {0}), 2)") { Py.log2(Py.max(1e-5, $0[0])) },
        op("floor", 1, "math.floor({0})") { $0[0].isFinite ? Foundation.floor($0[0]) : nil },
        op("factorial", 1, "math.factorial(min(15, int({0})))") {
            Py.factorial(Py.int($0[0]).map { Swift.min(15, $0) })
        },
        op("reminder", 2, "{0} % {1}") { Py.mod($0[0], $0[1]) },
        op("max", 2, "max({0},{1})") { Py.max($0[0], $0[1]) },
        op("min", 2, nil, "min({0}, {1})") { Py.min($0[0], $0[1]) },
        op("gcd", 2, "math.gcd(int({0}), int({1}))") { a in
            guard let x = Py.int(a[0]), let y = Py.int(a[1]) else { return nil }
            return Double(Py.gcd(x, y))
        },
        op("lcm", 2, "math.lcm(int({0}), int({1}))") { a in
            guard let x = Py.int(a[0]), let y = Py.int(a[1]) else { return nil }
            let g = Py.gcd(x, y)
            return g == 0 ? 0 : Double(abs(x / g * y))
        },
        op("choose", 2, "math.comb(int({0}), int({1}))") { a in
            guard let n = Py.int(a[0]), let k = Py.int(a[1]), n >= 0, k >= 0 else { return nil }
            return Py.comb(n, k)
        },
        op(
            "permutation", 2,
            "math.factorial(int(max({0}, {1}))) / math.factorial(int(max({0}, {1}) - min({0}, {1})))  # find all permutations"
        ) { a in
            let n = Py.min(a[0], a[1]), m = Py.max(a[0], a[1])
            guard let big = Py.factorial(Py.int(m)), let small = Py.factorial(Py.int(m - n)) else { return nil }
            return big / small
        },
        op("count_interval", 2, "{0} - {1} + 1") { $0[0] - $0[1] + 1 },
        op("percent", 2, "{0} / 100 * {1}") { $0[0] / 100 * $0[1] },
        op("from_percent", 1, "{0} / 100") { $0[0] / 100 },
        op("gain_percent", 1, "100 + {0}") { 100 + $0[0] },
        op("loss_percent", 1, "100 - {0}") { 100 - $0[0] },
        op("negate_percent", 1, "100 - {0}") { 100 - $0[0] },
        op("price_after_gain", 2, "(1 + {0} / 100) * {1}") { (1 + $0[0] / 100) * $0[1] },
        op("p_after_gain", 2, "(1 + {0} / 100) * {1}") { (1 + $0[0] / 100) * $0[1] },
        op("price_after_loss", 2, "(1 - {0} / 100) * {1}") { (1 - $0[0] / 100) * $0[1] },
        op("p_after_loss", 2, nil, "(1 - {0} / 100) * {1}") { (1 - $0[0] / 100) * $0[1] },
        op("original_price_before_gain", 2, "{1} * 100 / (100 + {0})  # original_price_before gain") { a in
            Py.div(a[1] * 100, 100 + a[0])
        },
        op("original_price_before_loss", 2, "{1} * 100 / (100 + 1e-5 - {0})  # original price before loss") { a in
            Py.div(a[1] * 100, 100 + 1e-5 - a[0])
        },
        op("union_prob", 3, "{0} + {1} - {2}") { $0[0] + $0[1] - $0[2] },
        op("negate_prob", 1, "1 - {0}") { 1 - $0[0] },
        op("combined_work", 2, "1 / (min({0}, 1 / {0}) + min({1}, 1 / {1}))") { a in
            guard let x = Py.div(1, a[0]), let y = Py.div(1, a[1]) else { return nil }
            return Py.div(1, Py.min(a[0], x) + Py.min(a[1], y))
        },
        op(
            "find_work", 2,
            "1 / (max(min({0}, 1 / {0}), min({1}, 1 / {1})) - min(min({0}, 1 / {0}), min({1}, 1 / {1})))"
        ) { a in
            guard let x = Py.div(1, a[0]), let y = Py.div(1, a[1]) else { return nil }
            let p = Py.min(a[0], x), q = Py.min(a[1], y)
            return Py.div(1, Py.max(p, q) - Py.min(p, q))
        },
        op("speed_ratio_steel_to_stream", 2, "({0} + {1}) / ({0} - {1})") { Py.div($0[0] + $0[1], $0[0] - $0[1]) },
        op("speed_in_still_water", 2, "{0} + {1} / 2", "({0} + {1}) / 2") { ($0[0] + $0[1]) / 2 },
        op("stream_speed", 2, "{0} - {1} / 2", "({0} - {1}) / 2") { ($0[0] - $0[1]) / 2 },
        op("circle_area", 1, "math.pi * {0}**2") { Double.pi * $0[0] * $0[0] },
        op("circumface", 1, "2 * math.pi * {0}") { 2 * Double.pi * $0[0] },
        op("circle_arc", 2, "{0} / 360 * math.pi * 2 * {1}") { $0[0] / 360 * Double.pi * 2 * $0[1] },
        op("circle_sector_area", 2, "{1} / 360 * math.pi * ({0}**2)") { $0[1] / 360 * Double.pi * ($0[0] * $0[0]) },
        op("semi_circle_perimiter", 1, "math.pi * {0} + 2 * {0}  # perimeter of a semi-circle") {
            Double.pi * $0[0] + 2 * $0[0]
        },
        op("diagonal", 2, "math.sqrt({0}**2 + {1}**2)") { Foundation.sqrt($0[0] * $0[0] + $0[1] * $0[1]) },
        op("square_area", 1, "{0}**2") { $0[0] * $0[0] },
        op("square_perimeter", 1, "4 * {0}") { 4 * $0[0] },
        op("rhombus_perimeter", 1, "4 * {0}") { 4 * $0[0] },
        op("square_edge_by_area", 1, "math.sqrt({0})  # square edge given area") {
            $0[0] >= 0 ? Foundation.sqrt($0[0]) : nil
        },
        op("square_edge_by_perimeter", 1, "{0} / 4. # square edge given perimeter") { $0[0] / 4 },
        op("rectangle_area", 2, "{0} * {1}  # area of rectangle") { $0[0] * $0[1] },
        op("rectangle_perimeter", 2, "2 * ({0} + {1})  # perimetere of rectangle") { 2 * ($0[0] + $0[1]) },
        op("rhombus_area", 2, "{0} * {1} / 2") { $0[0] * $0[1] / 2 },
        op("triangle_area", 2, "{0} * {1} / 2") { $0[0] * $0[1] / 2 },
        op("triangle_perimeter", 3, "{0} + {1} + {2}  # perimeter of a triangle") { $0[0] + $0[1] + $0[2] },
        op(
            "triangle_area_three_edges", 3,
            "(lambda s, a, b, c: math.sqrt(max(0, s * (s - a) * (s - b) * (s - c))))(({0} + {1} + {2}) / 2, {0}, {1}, {2})  # Heron's formula"
        ) { a in
            let s = (a[0] + a[1] + a[2]) / 2
            return Foundation.sqrt(Py.max(0, s * (s - a[0]) * (s - a[1]) * (s - a[2])))
        },
        op("quadrilateral_area", 3, "{0} * ({1} + {2}) / 2  # quadrilateral area") { $0[0] * ($0[1] + $0[2]) / 2 },
        op("trapezium_area", 3, "{0} * ({1} + {2}) / 2") { $0[0] * ($0[1] + $0[2]) / 2 },
        op("volume_cube", 1, "{0}**3") { $0[0] * $0[0] * $0[0] },
        op("surface_cube", 1, "6 * {0}**2  # surface of a cube") { 6 * ($0[0] * $0[0]) },
        op("cube_edge_by_volume", 1, "{0}**(1 / 3)") { Py.pow($0[0], 1.0 / 3) },
        op("volume_rectangular_prism", 3, "{0} * {1} * {2}") { $0[0] * $0[1] * $0[2] },
        op("surface_rectangular_prism", 3, "2 * ({0} * {1} + {0} * {2} + {1} * {2})  # surface of a rectangular prism")
        {
            2 * ($0[0] * $0[1] + $0[0] * $0[2] + $0[1] * $0[2])
        },
        op("volume_cylinder", 2, "math.pi * {0}**2 * {1}") { Double.pi * ($0[0] * $0[0]) * $0[1] },
        op("surface_cylinder", 2, nil, "2 * math.pi * {0} * {1} + 2 * math.pi * {0}**2") {
            2 * Double.pi * $0[0] * $0[1] + 2 * Double.pi * ($0[0] * $0[0])
        },
        op("volume_cone", 2, "math.pi * {0}**2 * {1} / 3") { Double.pi * ($0[0] * $0[0]) * $0[1] / 3 },
        op("volume_sphere", 1, "4 / 3 * math.pi * {0}**3") { 4.0 / 3 * Double.pi * ($0[0] * $0[0] * $0[0]) },
        op("surface_sphere", 1, "4 * math.pi * {0}**2") { 4 * Double.pi * ($0[0] * $0[0]) },
        op("sine", 1, "math.sin({0})") { Foundation.sin($0[0]) },
        op("cosine", 1, "math.cos({0})") { Foundation.cos($0[0]) },
        op("tangent", 1, nil, "math.tan({0})") { Foundation.tan($0[0]) },
    ]
}

/// Python float semantics the generated programs rely on, so the in-process value matches CPython's.
enum Py {
    static func min(_ a: Double, _ b: Double) -> Double { b < a ? b : a }
    static func max(_ a: Double, _ b: Double) -> Double { b > a ? b : a }

    static func div(_ a: Double, _ b: Double) -> Double? { b == 0 ? nil : a / b }

    /// `a ** b` on floats: nil where CPython raises (0 to a negative power, overflow) or returns a complex number.
    static func pow(_ a: Double, _ b: Double) -> Double? {
        if a == 0 && b < 0 { return nil }
        if a < 0 && b.isFinite && b != b.rounded() { return nil }
        let r = Foundation.pow(a, b)
        return r.isInfinite && a.isFinite && b.isFinite ? nil : r
    }

    /// `int(x)`: truncation toward zero; nil for NaN and infinities.
    static func int(_ x: Double) -> Int? {
        guard x.isFinite, x.magnitude < 9.0e18 else { return nil }
        return Int(x.rounded(.towardZero))
    }

    static func factorial(_ n: Int?) -> Double? {
        guard let n, n >= 0 else { return nil }
        var r = 1.0
        if n > 1 { for i in 2...n { r *= Double(i) } }
        return r
    }

    /// Python's float `%`: the result takes the divisor's sign.
    static func mod(_ a: Double, _ b: Double) -> Double? {
        guard b != 0 else { return nil }
        var r = fmod(a, b)
        if r != 0 && (r < 0) != (b < 0) { r += b }
        return r
    }

    static func log2(_ x: Double) -> Double { Foundation.log(x) / Foundation.log(2.0) }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var x = abs(a), y = abs(b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    static func comb(_ n: Int, _ k: Int) -> Double {
        if k > n { return 0 }
        let k = Swift.min(k, n - k)
        var r = 1.0
        if k > 0 { for i in 1...k { r = r * Double(n - k + i) / Double(i) } }
        return r.rounded()
    }
}
