import Foundation
import PackagePlugin

/// Generates `ContentDigest.swift` in the target it is applied to: digests of the target's files (sources and
/// resources) per folder, and of each target of this package it depends on, so versions follow content instead of hand bumps.
@main
struct ContentDigestPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let output = context.pluginWorkDirectoryURL.appending(path: "ContentDigest.swift")
        var arguments = [output.path]
        var inputs: [URL] = []
        let local = Set(
            context.package.targets.compactMap { ($0 as? SourceModuleTarget)?.directoryURL.standardizedFileURL.path })
        let dependencies = module.recursiveTargetDependencies.compactMap { $0 as? SourceModuleTarget }
            .filter { local.contains($0.directoryURL.standardizedFileURL.path) }
        for (name, group) in [("", module)] + dependencies.map({ ("@\($0.name)", $0) }) {
            let files = group.sourceFiles.map(\.url)
            arguments += ["--group", name, group.directoryURL.path] + files.map(\.path)
            inputs += files
        }
        return [
            .buildCommand(
                displayName: "Digesting the content of \(target.name)",
                executable: try context.tool(named: "content-digest").url,
                arguments: arguments, inputFiles: inputs, outputFiles: [output])
        ]
    }
}
