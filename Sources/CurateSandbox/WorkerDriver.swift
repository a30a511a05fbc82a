import CurateSupport
import Foundation

/// The fork-server driver run by each pool worker (`python -B -s -c <source> <config JSON>`), `WorkerDriver.py`
/// compiled into the binary.
///
/// It is Python because it runs inside the target interpreter. Two processes: the supervisor reads length-prefixed
/// JSON requests on fd 0, compiles the code, makes the scratch directory, the capture pipes and the outcome file,
/// and hands the marshalled code, the pipes and that file to the zygote, a pristine fork of itself that forks one child per request and waits
/// for it. The child
/// (new session, rlimits, unprivileged uid, fresh scratch directory, stdin from /dev/null, stdout/stderr into capped
/// pipes) runs solution, test setup and each test, appending nonce-tagged outcomes to a private memfd that the
/// supervisor reads once the child and its survivors are gone (no wakeup per test, nothing lost to a kill). The
/// supervisor enforces the wall-clock and output limits by killing the child's process group from outside, kills
/// every survivor, removes the scratch directory and replies with raw facts for `VerdictBuilder`.
///
/// The split keeps forks cheap: the zygote does nothing while its child runs and nothing but unmarshal between
/// forks, so neither of them pays copy-on-write faults for the supervisor's work, and the child inherits compiled
/// code instead of compiling it.
enum WorkerDriver {
    /// The driver's source, as embedded from `WorkerDriver.py`.
    static let source = String(decoding: PackageResources.WorkerDriver_py, as: UTF8.self)

    /// sha256 of the driver's bytes: part of `ExecutionRequest.key`, so cached verdicts expire whenever it changes.
    static let digest = SHA256.hex(Data(PackageResources.WorkerDriver_py))

    /// What verdicts are keyed by besides the request: the driver's sha256 and the content digest of this whole
    /// target (pool, worker launch, verdict building), so any change to how a verdict comes about expires them.
    static let harnessVersion = digest + "-" + ContentDigest.of([""])
}
