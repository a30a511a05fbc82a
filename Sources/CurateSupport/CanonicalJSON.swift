import Foundation

/// Deterministic JSON: sorted keys, unescaped slashes; the same value always gives the same bytes.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own Codable value types cannot fail (no floats that are NaN, no non-string keys).
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    public static func string<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        String(decoding: encode(value, pretty: pretty), as: UTF8.self)
    }
}
