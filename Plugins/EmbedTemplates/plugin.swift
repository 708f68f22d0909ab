import Foundation
import PackagePlugin

/// Embeds the files of `templates/` into the library at build time, so that the
/// binary renders from any directory while `templates/` stays the editable source of truth.
@main
struct EmbedTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let templates = context.package.directoryURL.appending(path: "templates")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: templates.path)) ?? []
        let inputs = names.sorted().filter { !$0.hasPrefix(".") }.map { templates.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedTemplates.swift")
        return [
            .buildCommand(
                displayName: "Embedding templates/ into \(target.name)",
                executable: try context.tool(named: "embed-templates").url,
                arguments: [templates.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
