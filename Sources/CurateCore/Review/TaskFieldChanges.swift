import Foundation

/// The new values of the fields an edit changed; absent fields are unchanged.
public struct TaskFieldChanges: Sendable, Hashable, Codable {
    public var description: String?
    public var solution: String?
    public var testSetup: String?
    public var tests: [String]?
    public var challengeTests: [String]?
    /// nil: unchanged; `.some(nil)`: removed (written as JSON null).
    public var entryPoint: String??
    public var imports: [String]?
    public var metadata: [String: String]?

    public init(
        description: String? = nil, solution: String? = nil, testSetup: String? = nil, tests: [String]? = nil,
        challengeTests: [String]? = nil, entryPoint: String?? = nil, imports: [String]? = nil,
        metadata: [String: String]? = nil
    ) {
        self.description = description
        self.solution = solution
        self.testSetup = testSetup
        self.tests = tests
        self.challengeTests = challengeTests
        self.entryPoint = entryPoint
        self.imports = imports
        self.metadata = metadata
    }

    /// The fields that differ between `old` and `new`, with `new`'s values.
    public init(from old: TaskContent, to new: TaskContent) {
        self.init()
        if old.description != new.description { description = new.description }
        if old.solution != new.solution { solution = new.solution }
        if old.testSetup != new.testSetup { testSetup = new.testSetup }
        if old.tests != new.tests { tests = new.tests }
        if old.challengeTests != new.challengeTests { challengeTests = new.challengeTests }
        if old.entryPoint != new.entryPoint { entryPoint = .some(new.entryPoint) }
        if old.imports != new.imports { imports = new.imports }
        if old.metadata != new.metadata { metadata = new.metadata }
    }

    /// `content` with these fields replaced.
    public func applied(to content: TaskContent) -> TaskContent {
        var result = content
        if let description { result.description = description }
        if let solution { result.solution = solution }
        if let testSetup { result.testSetup = testSetup }
        if let tests { result.tests = tests }
        if let challengeTests { result.challengeTests = challengeTests }
        if let entryPoint { result.entryPoint = entryPoint }
        if let imports { result.imports = imports }
        if let metadata { result.metadata = metadata }
        return result
    }

    /// Names of the changed fields, in document order.
    public var names: [String] {
        var names: [String] = []
        if description != nil { names.append("description") }
        if solution != nil { names.append("solution") }
        if testSetup != nil { names.append("testSetup") }
        if tests != nil { names.append("tests") }
        if challengeTests != nil { names.append("challengeTests") }
        if entryPoint != nil { names.append("entryPoint") }
        if imports != nil { names.append("imports") }
        if metadata != nil { names.append("metadata") }
        return names
    }

    public var isEmpty: Bool { names.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case description, solution, testSetup, tests, challengeTests, entryPoint, imports, metadata
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        solution = try c.decodeIfPresent(String.self, forKey: .solution)
        testSetup = try c.decodeIfPresent(String.self, forKey: .testSetup)
        tests = try c.decodeIfPresent([String].self, forKey: .tests)
        challengeTests = try c.decodeIfPresent([String].self, forKey: .challengeTests)
        if c.contains(.entryPoint) {
            entryPoint = .some(
                try c.decodeNil(forKey: .entryPoint) ? nil : try c.decode(String.self, forKey: .entryPoint))
        }
        imports = try c.decodeIfPresent([String].self, forKey: .imports)
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(solution, forKey: .solution)
        try c.encodeIfPresent(testSetup, forKey: .testSetup)
        try c.encodeIfPresent(tests, forKey: .tests)
        try c.encodeIfPresent(challengeTests, forKey: .challengeTests)
        if let entryPoint {
            if let value = entryPoint {
                try c.encode(value, forKey: .entryPoint)
            } else {
                try c.encodeNil(forKey: .entryPoint)
            }
        }
        try c.encodeIfPresent(imports, forKey: .imports)
        try c.encodeIfPresent(metadata, forKey: .metadata)
    }
}
