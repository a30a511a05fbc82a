import Foundation
import Testing

@testable import CurateCore

/// The release stage's options: one type for `curate release` and a pipeline's `release` stage.
struct ReleaseStageOptionsTests {
    static let header = """
        pipeline: p
        dataset: mbpp
        stages:
          - stage: split
            policy: hash
          - stage: release

        """

    @Test(arguments: [
        ("    layout: canonical\n", "p.yaml:6: stage 'release' parameter 'version' must be set (e.g. 1.0.0)."),
        ("    version: 1.0\n", "p.yaml:7: stage 'release' parameter 'version' must be a string, got a number."),
        (
            "    version: ../../etc\n",
            "p.yaml:7: stage 'release' parameter 'version' must be semver-like MAJOR.MINOR.PATCH with an optional -PRERELEASE or +BUILD of letters, digits, '.' and '-' (e.g. 1.0.0, 2.1.0-rc.1) (got '../../etc')."
        ),
        (
            "    version: 1.0.0\n    layout: csv\n",
            "p.yaml:8: stage 'release' parameter 'layout' must be one of mbpp, mbpp-sanitized, humaneval, mathqa-python, canonical (got 'csv')."
        ),
        (
            "    version: 1.0.0\n    require_review: pending\n",
            "p.yaml:8: stage 'release' parameter 'require_review' must be 'approved' (got 'pending')."
        ),
        (
            "    version: 1.0.0\n    allow_unvalidate: true\n",
            "p.yaml:8: stage 'release' has no parameter 'allow_unvalidate'; valid: version, exclude_flags, no_default_exclusions, layout, output, require_review, allow_unvalidated."
        ),
    ])
    func yamlProblemsNameTheKeyAndLine(body: String, message: String) {
        do {
            _ = try PipelineFile.parse(Self.header + body, path: "p.yaml", sha256: "", catalog: .standard)
            Issue.record("accepted: \(body)")
        } catch {
            #expect((error as? LocalizedError)?.errorDescription == message)
        }
    }

    @Test(arguments: [
        ([String: ParameterValue](), ReleaseConfiguration.defaultExcludeFlags, true),
        (["no_default_exclusions": .bool(true)], [], true),
        (["exclude_flags": .list([.string("validate/")])], ["validate/"], true),
        (["exclude_flags": .list([]), "allow_unvalidated": .bool(true)], [], false),
    ])
    func exclusionsAndValidationDefaults(
        parameters: [String: ParameterValue], exclusions: [String], requireValidated: Bool
    ) throws {
        var values = parameters
        values["version"] = .string("1.0.0")
        let options = try ReleaseStageOptions.decode(values)
        let split = try SplitStageConfiguration(SplitStageOptions(), dataset: "mbpp")
        let config = options.configuration(dataset: "mbpp", split: split)
        #expect(config.excludeFlags == exclusions)
        #expect(config.requireValidated == requireValidated)
        #expect(config.outputRoot == "curated" && config.layout == .mbpp)
    }
}
