import Foundation

/// Splits bytes into lines with 1-based line numbers, keeping each line's exact bytes (for provenance hashes).
enum LineSplitter {
    static func lines(_ data: Data) -> [(number: Int, bytes: Data)] {
        var result: [(Int, Data)] = []
        var start = data.startIndex
        var number = 1
        for index in data.indices where data[index] == 0x0A {
            result.append((number, data[start..<index]))
            start = data.index(after: index)
            number += 1
        }
        if start < data.endIndex { result.append((number, data[start..<data.endIndex])) }
        return result
    }
}
