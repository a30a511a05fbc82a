import Foundation

/// One of the MBPP crowdworker guidelines, checked on a task's content; a finding becomes a warning flag, never a rejection.
public struct GuidelineRule: Sendable {
    /// Stable id stored as the flag code, e.g. `lint/no-print`.
    public let id: String
    /// The guideline in one sentence.
    public let summary: String
    let check: @Sendable (TaskContent) -> String?

    /// The finding's message, or nil when the task follows the guideline.
    public func evaluate(_ task: TaskContent) -> String? { check(task) }
}

/// The MBPP crowdworker instructions as lint rules.
public enum GuidelineLint {
    public static let rules: [GuidelineRule] = [
        GuidelineRule(id: "lint/one-problem", summary: "The description states one problem.") { task in
            let text = task.description.lowercased()
            let asks = ["write a ", "write an ", "write function", "write python"].reduce(0) {
                $0 + text.components(separatedBy: $1).count - 1
            }
            let questions = text.filter { $0 == "?" }.count
            if asks > 1 { return "the description asks for \(asks) things ('write a …' appears \(asks) times)" }
            if questions > 1 { return "the description asks \(questions) questions" }
            return nil
        },
        GuidelineRule(id: "lint/defines-function", summary: "The code defines a function.") { task in
            PythonSource.topLevelFunctions(task.solution).isEmpty && PythonSource.topLevelClasses(task.solution).isEmpty
                ? "the code defines no top-level function" : nil
        },
        GuidelineRule(id: "lint/no-print", summary: "No print statements in the code.") { task in
            PythonSource.calledNames(task.solution).contains("print") ? "the code calls print()" : nil
        },
        GuidelineRule(id: "lint/no-input", summary: "No input() in the code.") { task in
            PythonSource.calledNames(task.solution).contains("input") ? "the code calls input()" : nil
        },
        GuidelineRule(id: "lint/min-tests", summary: "At least three assert tests.") { task in
            let asserts = task.tests.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("assert") }.count
            if task.tests.count == 1, task.tests[0].hasPrefix("check(") { return nil }
            return asserts < 3 ? "only \(asserts) assert test(s); the guideline asks for at least 3" : nil
        },
        GuidelineRule(id: "lint/tests-call-entry-point", summary: "Every test calls the function under test.") { task in
            guard let entry = task.entryPoint else {
                return "no entry point: the tests call no function the code defines"
            }
            let missing = task.tests.enumerated().filter {
                !PythonSource.calledNames($0.element).contains(entry) && !$0.element.contains("(\(entry))")
            }
            guard !missing.isEmpty else { return nil }
            return "test(s) \(missing.map { String($0.offset + 1) }.joined(separator: ", ")) do not call \(entry)()"
        },
        GuidelineRule(id: "lint/imports-inside-code", summary: "Imports the code needs are inside the code.") { task in
            let provided = PythonSource.importedNames(task.solution)
            let fromSetup = PythonSource.importedNames(task.testSetup).subtracting(provided)
            let code = PythonSource.strippingStringsAndComments(task.solution)
            let used = fromSetup.filter { code.range(of: "\\b\($0)\\.", options: .regularExpression) != nil }.sorted()
            if !used.isEmpty { return "the code uses \(used.joined(separator: ", ")) imported only by the test setup" }
            if let statement = task.tests.first(where: { !PythonSource.importStatements($0).isEmpty }) {
                return "a test imports a module: \(statement.prefix(60))"
            }
            return nil
        },
        GuidelineRule(id: "lint/no-global-state", summary: "No mutable global state.") { task in
            let code = PythonSource.strippingStringsAndComments(task.solution)
            if code.range(of: "(^|\\n)\\s+global\\s+\\w", options: .regularExpression) != nil {
                return "the code declares a global variable"
            }
            let mutable = "^[a-z_][a-z0-9_]*\\s*=\\s*(\\[|\\{|set\\(|dict\\(|list\\()"
            if let line = PythonSource.lines(code).first(where: {
                $0.range(of: mutable, options: .regularExpression) != nil
            }) {
                return "top-level mutable state: \(line.trimmingCharacters(in: .whitespaces).prefix(60))"
            }
            return nil
        },
        GuidelineRule(id: "lint/function-name-style", summary: "Function names are lowercase_with_underscores.") {
            task in
            let bad = PythonSource.topLevelFunctions(task.solution).filter {
                $0.range(of: "^[a-z_][a-z0-9_]*$", options: .regularExpression) == nil
            }
            return bad.isEmpty ? nil : "function name(s) not lowercase_with_underscores: \(bad.joined(separator: ", "))"
        },
    ]

    /// Runs every rule on a task.
    public static func findings(for task: TaskContent) -> [(rule: GuidelineRule, message: String)] {
        rules.compactMap { rule in rule.evaluate(task).map { (rule, $0) } }
    }
}
