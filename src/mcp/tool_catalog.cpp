// tool_catalog implementation (see tool_catalog.hpp).
#include "mcp/tool_catalog.hpp"

#include <algorithm>

#include "mcp/protocol_version.hpp"

namespace arcade_mcp::detail {

tool_catalog::tool_catalog(const server& srv, std::string_view separator) {
    const std::string& toolkit = srv.info().toolkit;
    for (const auto& spec : srv.tools()) {
        catalog_entry e;
        e.spec = &spec;
        if (toolkit.empty()) {
            e.tool_name = e.fqn = e.mcp_name = spec.name;
        } else {
            e.tool_name = snake_to_pascal_case(spec.name);
            e.fqn = toolkit + std::string(separator) + e.tool_name;
            e.mcp_name = e.fqn;
            std::replace(e.mcp_name.begin(), e.mcp_name.end(), '.', '_');
            if (separator != ".") {
                const std::string sep(separator);
                for (auto pos = e.mcp_name.find(sep); pos != std::string::npos; pos = e.mcp_name.find(sep, pos + 1))
                    e.mcp_name.replace(pos, sep.size(), "_");
            }
        }
        e.title = spec.title.value_or(e.tool_name);
        entries_.push_back(std::move(e));
    }
    std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return a.fqn < b.fqn; });
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        by_name_.emplace(entries_[i].mcp_name, i);
        by_name_.emplace(entries_[i].fqn, i);
    }
}

const catalog_entry* tool_catalog::find(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : &entries_[it->second];
}

json tool_catalog::to_mcp_tool(const catalog_entry& e, std::string_view revision) const {
    const bool modern = revision_at_least(revision, rev_2025_06_18);
    json tool{{"name", e.mcp_name}};
    if (modern) tool["title"] = e.title;
    tool["description"] = e.spec->description;
    tool["inputSchema"] = e.spec->input_schema;
    if (modern && e.spec->output_schema) tool["outputSchema"] = *e.spec->output_schema;
    json annotations{{"title", e.title}};
    const auto& a = e.spec->annotations;
    if (a.read_only) annotations["readOnlyHint"] = *a.read_only;
    if (a.destructive) annotations["destructiveHint"] = *a.destructive;
    if (a.idempotent) annotations["idempotentHint"] = *a.idempotent;
    if (a.open_world) annotations["openWorldHint"] = *a.open_world;
    tool["annotations"] = std::move(annotations);
    return tool;
}

}  // namespace arcade_mcp::detail
