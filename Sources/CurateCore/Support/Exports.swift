@_exported import CurateSandbox
@_exported import CurateSupport
