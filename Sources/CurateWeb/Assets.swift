import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The page's HTML, CSS and JavaScript, compiled into the binary (no CDN, works offline).
enum Assets {
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
        /// Content hash, so a browser revalidates cheaply and never runs a stale script after an upgrade.
        let etag: String
    }

    static let page = make(PackageResources.index_html, "text/html; charset=utf-8")
    static let files: [String: Asset] = [
        "app.js": make(PackageResources.app_js, "text/javascript; charset=utf-8"),
        "app.css": make(PackageResources.app_css, "text/css; charset=utf-8"),
    ]

    private static func make(_ bytes: [UInt8], _ contentType: String) -> Asset {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Asset(bytes: ByteBuffer(bytes: bytes), contentType: contentType, etag: "\"\(String(hash, radix: 16))\"")
    }

    /// The asset as a response, or 304 when the browser already has this version.
    static func response(_ asset: Asset, for request: Request) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "no-cache"
        if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.bytes))
    }
}
