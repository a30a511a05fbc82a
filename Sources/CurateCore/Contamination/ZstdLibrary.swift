import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// libzstd's streaming decompression, loaded at run time with `dlopen` so that building curate needs no zstd
/// headers (`libzstd-dev`); only reading a `.zst` input needs the library itself (`libzstd1`).
struct ZstdLibrary: @unchecked Sendable {
    /// `ZSTD_inBuffer`.
    struct InBuffer {
        var src: UnsafeRawPointer?
        var size: Int
        var pos: Int
    }

    /// `ZSTD_outBuffer`.
    struct OutBuffer {
        var dst: UnsafeMutableRawPointer?
        var size: Int
        var pos: Int
    }

    let createDStream: @convention(c) () -> OpaquePointer?
    let freeDStream: @convention(c) (OpaquePointer?) -> Int
    let initDStream: @convention(c) (OpaquePointer?) -> Int
    let dStreamInSize: @convention(c) () -> Int
    /// `ZSTD_decompressStream(stream, ZSTD_outBuffer*, ZSTD_inBuffer*)`; pass `&OutBuffer` and `&InBuffer`.
    let decompressStream: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int
    let isError: @convention(c) (Int) -> UInt32
    let getErrorName: @convention(c) (Int) -> UnsafePointer<CChar>?

    #if canImport(Darwin)
        static let defaultName = "libzstd.1.dylib"
        static let installHint = "install it with `brew install zstd`"
    #else
        static let defaultName = "libzstd.so.1"
        static let installHint = "install it with `apt-get install libzstd1` (Debian/Ubuntu)"
    #endif

    /// The library's file name; `CURATE_LIBZSTD` overrides it (a path or another name).
    static var name: String { ProcessInfo.processInfo.environment["CURATE_LIBZSTD"] ?? defaultName }

    /// The library, loaded once, or why it could not be.
    static let shared: Result<ZstdLibrary, ZstdUnavailable> = load(name)

    static func load(_ name: String) -> Result<ZstdLibrary, ZstdUnavailable> {
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(
                ZstdUnavailable(library: name, reason: dlerror().map { String(cString: $0) } ?? "not found"))
        }
        func symbol<T>(_ symbolName: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, symbolName) else {
                throw ZstdUnavailable(library: name, reason: "it lacks \(symbolName)")
            }
            return unsafeBitCast(pointer, to: type)
        }
        do {
            return .success(
                ZstdLibrary(
                    createDStream: try symbol("ZSTD_createDStream", as: (@convention(c) () -> OpaquePointer?).self),
                    freeDStream: try symbol("ZSTD_freeDStream", as: (@convention(c) (OpaquePointer?) -> Int).self),
                    initDStream: try symbol("ZSTD_initDStream", as: (@convention(c) (OpaquePointer?) -> Int).self),
                    dStreamInSize: try symbol("ZSTD_DStreamInSize", as: (@convention(c) () -> Int).self),
                    decompressStream: try symbol(
                        "ZSTD_decompressStream",
                        as: (@convention(c) (OpaquePointer?, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int)
                            .self),
                    isError: try symbol("ZSTD_isError", as: (@convention(c) (Int) -> UInt32).self),
                    getErrorName: try symbol(
                        "ZSTD_getErrorName", as: (@convention(c) (Int) -> UnsafePointer<CChar>?).self)))
        } catch let error as ZstdUnavailable {
            dlclose(handle)
            return .failure(error)
        } catch {
            dlclose(handle)
            return .failure(ZstdUnavailable(library: name, reason: "\(error)"))
        }
    }
}

/// libzstd could not be loaded.
struct ZstdUnavailable: Error, CustomStringConvertible {
    let library: String
    let reason: String

    var description: String {
        "reading .zst input needs the zstd library '\(library)', which could not be loaded (\(reason)); \(ZstdLibrary.installHint)"
    }
}
