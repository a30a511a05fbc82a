import Foundation

/// Escapes text for HTML and SVG content and attribute values.
public func htmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in text.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}

/// Small charts drawn as inline SVG, so a report needs no script or external file to show them.
enum SVGChart {
    /// One bar of a chart.
    struct Bar: Sendable, Hashable {
        var label: String
        var value: Int
        var color: String = "#4c78a8"
    }

    /// Horizontal bars, one row per item, labelled with their value.
    static func bars(_ items: [Bar], title: String, width: Int = 640) -> String {
        let labelWidth = min(260, max(80, (items.map(\.label.count).max() ?? 0) * 7 + 12))
        let row = 22, top = 8
        let height = top + max(1, items.count) * row + 8
        let maxValue = max(1, items.map(\.value).max() ?? 1)
        let plot = width - labelWidth - 70
        var svg =
            "<svg class=\"chart\" role=\"img\" aria-label=\"\(htmlEscape(title))\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        svg += "<title>\(htmlEscape(title))</title>"
        if items.isEmpty { svg += "<text x=\"4\" y=\"20\" class=\"muted\">nothing to show</text>" }
        for (index, item) in items.enumerated() {
            let y = top + index * row
            let length = item.value == 0 ? 0 : max(2, plot * item.value / maxValue)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(htmlEscape(item.label))</text>"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"16\" rx=\"2\" fill=\"\(item.color)\"/>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 15)\">\(item.value)</text>"
        }
        return svg + "</svg>"
    }

    /// Vertical columns over ordered bins (a histogram), each labelled below with its bin and above with its count.
    static func columns(_ items: [Bar], title: String, xLabel: String, width: Int = 640) -> String {
        let height = 200, bottom = 44, top = 18
        let count = max(1, items.count)
        let step = (width - 20) / count
        let maxValue = max(1, items.map(\.value).max() ?? 1)
        let plot = height - bottom - top
        var svg =
            "<svg class=\"chart\" role=\"img\" aria-label=\"\(htmlEscape(title))\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        svg += "<title>\(htmlEscape(title))</title>"
        svg +=
            "<line x1=\"10\" y1=\"\(height - bottom)\" x2=\"\(width - 10)\" y2=\"\(height - bottom)\" stroke=\"#999\"/>"
        for (index, item) in items.enumerated() {
            let x = 10 + index * step
            let length = item.value == 0 ? 0 : max(2, plot * item.value / maxValue)
            let y = height - bottom - length
            svg +=
                "<rect x=\"\(x + 2)\" y=\"\(y)\" width=\"\(max(1, step - 4))\" height=\"\(length)\" fill=\"\(item.color)\"/>"
            svg += "<text x=\"\(x + step / 2)\" y=\"\(y - 4)\" text-anchor=\"middle\">\(item.value)</text>"
            svg +=
                "<text x=\"\(x + step / 2)\" y=\"\(height - bottom + 14)\" text-anchor=\"middle\" class=\"small\">\(htmlEscape(item.label))</text>"
        }
        svg +=
            "<text x=\"\(width / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\" class=\"muted\">\(htmlEscape(xLabel))</text>"
        return svg + "</svg>"
    }

    /// Counts of `values` in bins `[edges[i], edges[i+1])`, the last bin closed; labels name the ranges.
    static func histogram(_ values: [Double], edges: [Double], format: (Double) -> String, color: String) -> [Bar] {
        (0..<(edges.count - 1)).map { index in
            let lower = edges[index], upper = edges[index + 1]
            let last = index == edges.count - 2
            let count = values.filter { $0 >= lower && ($0 < upper || (last && $0 <= upper)) }.count
            return Bar(label: "\(format(lower))–\(format(upper))", value: count, color: color)
        }
    }
}
