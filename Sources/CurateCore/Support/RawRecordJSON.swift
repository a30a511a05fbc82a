import Foundation

/// Wraps a JSONSerialization value so it can be re-encoded canonically (sorted keys) for provenance hashes.
struct RawRecordJSON: Encodable {
    let value: Any
    init(_ value: Any) { self.value = value }

    func encode(to encoder: Encoder) throws {
        switch value {
        case let dict as [String: Any]:
            var container = encoder.container(keyedBy: DynamicKey.self)
            for (key, element) in dict { try container.encode(RawRecordJSON(element), forKey: DynamicKey(key)) }
        case let array as [Any]:
            var container = encoder.unkeyedContainer()
            for element in array { try container.encode(RawRecordJSON(element)) }
        case let string as String:
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case let int as Int:
            var container = encoder.singleValueContainer()
            try container.encode(int)
        case let double as Double:
            var container = encoder.singleValueContainer()
            try container.encode(double)
        case let bool as Bool:
            var container = encoder.singleValueContainer()
            try container.encode(bool)
        default:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }

    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
