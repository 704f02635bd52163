// `arcade-mcp new`: writes a new server project from the installed templates (share/arcade-mcp/
// templates: project/ rendered with template_render, k8s/ and helm/ copied from the library's own
// validated manifests with the names replaced). The project appears whole or not at all: it is
// written into a hidden sibling folder and renamed into place.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "project_names.hpp"

namespace arcade_mcp_cli {

struct new_project_options {
    std::string name;                  ///< project name (see project_names.hpp)
    std::string toolkit;               ///< empty: derived from the name
    bool minimal = false;              ///< one pure tool, no upstream client (no libcurl)
    bool deploy = true;                ///< Dockerfile, workflow, Kubernetes manifests, Helm chart
    std::filesystem::path parent = ".";  ///< the project goes to parent/name
    std::filesystem::path templates;     ///< the templates folder (project/, k8s/, helm/)
    std::string library_version;         ///< arcade-mcp-cpp's version, e.g. "0.1.0"
};

struct new_project_report {
    std::filesystem::path root;                 ///< the project folder
    project_names names;                        ///< the names used
    std::vector<std::filesystem::path> files;   ///< written, relative to root, sorted
};

/// Generates the project. Throws std::invalid_argument for bad names and std::runtime_error when
/// the target exists and is not an empty folder, or a template is missing.
new_project_report generate_project(const new_project_options& options);

}  // namespace arcade_mcp_cli
