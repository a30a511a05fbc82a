/// The tool's version, written into release manifests.
public enum CurateVersion {
    public static let string = "0.1.0"
}
