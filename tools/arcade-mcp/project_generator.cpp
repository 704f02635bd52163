// Generation of a new project (see project_generator.hpp).
#include "project_generator.hpp"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "template_render.hpp"

namespace arcade_mcp_cli {
namespace fs = std::filesystem;
namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read template " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& p, const std::string& text, fs::perms perms) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
    fs::permissions(p, perms & (fs::perms::owner_all | fs::perms::group_all | fs::perms::others_all));
}

/// Files of the project template that only a deployable project carries.
bool deploy_only(const fs::path& rel) {
    const std::string first = rel.begin()->string();
    return first == "Dockerfile" || first == ".dockerignore" || first == ".github" || first == "packages";
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

/// The library's manifests (written for arcade-eval-ref) with the project's names.
std::string rename_manifest(std::string text, const project_names& n) {
    text = replace_all(std::move(text), "servicetitandev.azurecr.io/arcade-eval-ref", "ghcr.io/example/" + n.name);
    text = replace_all(std::move(text), "ghcr.io/example/arcade-eval-ref", "ghcr.io/example/" + n.name);
    text = replace_all(std::move(text), "arcade-eval-ref.st.dev", n.name + ".example.com");
    text = replace_all(std::move(text), "arcade-eval-ref-st-dev-tls", n.name + "-tls");
    text = replace_all(std::move(text), "newTag: \"1.0.1\"", "newTag: \"0.1.0\"");  // the overlay's pinned tag
    text = replace_all(std::move(text), "arcade-eval-ref", n.name);
    return replace_all(std::move(text), "ArcadeEvalRef", n.toolkit);
}

/// Copies every file under `from` to `to`, through `transform`.
template <class Transform>
void copy_tree(const fs::path& from, const fs::path& to, Transform transform, std::vector<fs::path>& written,
               const fs::path& root) {
    if (!fs::is_directory(from)) throw std::runtime_error("templates missing: " + from.string());
    for (const auto& e : fs::recursive_directory_iterator(from)) {
        if (!e.is_regular_file()) continue;
        const fs::path rel = fs::relative(e.path(), from);
        const fs::path target = to / rel;
        write_file(target, transform(rel, read_file(e.path())), e.status().permissions());
        written.push_back(fs::relative(target, root));
    }
}

fs::path staging_path(const fs::path& root) {
    std::random_device rd;
    return root.parent_path() / ("." + root.filename().string() + ".new-" + std::to_string(rd()));
}

}  // namespace

new_project_report generate_project(const new_project_options& o) {
    new_project_report report;
    report.names = derive_names(o.name, o.toolkit);
    const project_names& n = report.names;
    report.root = (fs::absolute(o.parent) / n.name).lexically_normal();
    if (fs::exists(report.root) && (!fs::is_directory(report.root) || !fs::is_empty(report.root)))
        throw std::runtime_error("refusing to overwrite " + report.root.string() +
                                 ": it exists and is not an empty folder");
    if (!fs::is_directory(o.templates / "project"))
        throw std::runtime_error("templates not found in " + o.templates.string() + " (use --templates)");

    template_values v;
    v.values = {{"name", n.name},
                {"name_snake", n.name_snake},
                {"Toolkit", n.toolkit},
                {"version", o.library_version},
                {"version_major_minor", o.library_version.substr(0, o.library_version.rfind('.'))}};
    v.flags = {{"full", !o.minimal}, {"minimal", o.minimal}, {"deploy", o.deploy}};

    const fs::path stage = staging_path(report.root);
    fs::create_directories(stage);
    try {
        std::vector<fs::path> written;
        for (const auto& e : fs::recursive_directory_iterator(o.templates / "project")) {
            if (!e.is_regular_file()) continue;
            const fs::path rel = fs::relative(e.path(), o.templates / "project");
            if (!o.deploy && deploy_only(rel)) continue;
            if (o.minimal && rel.filename().string().rfind("upstream.", 0) == 0) continue;
            write_file(stage / rel, render_template(read_file(e.path()), v), e.status().permissions());
            written.push_back(rel);
        }
        if (o.deploy) {
            const auto rename = [&n](const fs::path&, const std::string& text) { return rename_manifest(text, n); };
            copy_tree(o.templates / "k8s", stage / "deploy" / "k8s", rename, written, stage);
            copy_tree(o.templates / "helm", stage / "deploy" / "helm", rename, written, stage);
        }
        if (fs::exists(report.root)) fs::remove(report.root);  // the empty folder it may replace
        fs::rename(stage, report.root);
        std::sort(written.begin(), written.end());
        report.files = std::move(written);
    } catch (...) {
        std::error_code ignored;
        fs::remove_all(stage, ignored);
        throw;
    }
    return report;
}

}  // namespace arcade_mcp_cli
