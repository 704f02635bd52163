// arcade-mcp: the developer CLI of arcade-mcp-cpp. `arcade-mcp new <name>` generates a server
// project that builds against the installed library, with tests, a container image, a CI
// workflow and Kubernetes manifests (see README.md of the library, "Start a project").
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "project_generator.hpp"

namespace {
namespace fs = std::filesystem;

/// Where the templates are: --templates, else $ARCADE_MCP_TEMPLATES, else next to the binary
/// (<prefix>/bin/arcade-mcp -> <prefix>/share/arcade-mcp/templates; the build tree has the same).
fs::path find_templates(const std::string& option) {
    if (!option.empty()) return option;
    if (const char* env = std::getenv("ARCADE_MCP_TEMPLATES"); env && *env) return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path().parent_path() / "share" / "arcade-mcp" / "templates";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"arcade-mcp: start an MCP server project with arcade-mcp-cpp"};
    app.set_version_flag("--version", std::string(ARCADE_MCP_CLI_VERSION));
    app.require_subcommand(1);

    arcade_mcp_cli::new_project_options options;
    options.library_version = ARCADE_MCP_CLI_LIBRARY_VERSION;
    std::string templates;
    std::string dir = ".";
    bool no_deploy = false;
    auto* create = app.add_subcommand("new", "Generate a project in ./<name> (refuses a non-empty folder)");
    create->add_option("name", options.name, "Project name: a-z, 0-9 and '-', starting with a letter (e.g. my-tools)")
        ->required();
    create->add_option("--toolkit", options.toolkit,
                       "Arcade toolkit name the tools are served under (default: the name in PascalCase, e.g. "
                       "MyTools -> MyTools_CountWords)");
    create->add_flag("--minimal", options.minimal, "One pure tool: no upstream HTTP client, no libcurl");
    create->add_flag("--no-deploy", no_deploy, "No Dockerfile, CI workflow, Kubernetes manifests or Helm chart");
    create->add_option("--dir", dir, "Where to create the project folder (default: the current folder)");
    create->add_option("--templates", templates, "Templates folder (default: share/arcade-mcp/templates)");

    CLI11_PARSE(app, argc, argv);
    options.deploy = !no_deploy;
    options.parent = dir;
    options.templates = find_templates(templates);
    try {
        const auto report = arcade_mcp_cli::generate_project(options);
        std::cout << "Created " << report.root.string() << " (" << report.files.size() << " files): toolkit "
                  << report.names.toolkit << ", tools " << report.names.toolkit << "_CountWords"
                  << (options.minimal ? "" : " and " + report.names.toolkit + "_FetchJson") << ".\n"
                  << "Next:\n  cd " << report.root.string()
                  << "\n  cmake --preset release && cmake --build --preset release && ctest --preset release\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "arcade-mcp new: " << e.what() << "\n";
        return 2;
    }
}
