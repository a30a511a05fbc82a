import Foundation

/// The unbiased pass@k estimator of the Codex paper, `1 - C(n-c, k) / C(n, k)`, computed without big binomials.
public enum PassAtK {
    /// pass@k from `n` samples of which `c` pass; nil when undefined (k < 1, n < k, or c outside 0…n).
    ///
    /// Uses `C(n-c,k)/C(n,k) = ∏_{i=n-c+1}^{n} (1 - k/i)` summed in log space, so n in the thousands neither
    /// overflows nor loses the small values near 0.
    public static func estimate(n: Int, c: Int, k: Int) -> Double? {
        guard k >= 1, n >= k, c >= 0, c <= n else { return nil }
        if c == 0 { return 0 }
        if n - c < k { return 1 }
        var logFail = 0.0
        for i in (n - c + 1)...n { logFail += log1p(-Double(k) / Double(i)) }
        return -expm1(logFail)
    }
}
