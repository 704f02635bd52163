// tool_catalog implementation (see tool_catalog.hpp).
#include "mcp/tool_catalog.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "mcp/protocol_version.hpp"
#include "mcp/server_access.hpp"

namespace arcade_mcp::detail {

namespace {

bool listed(const std::vector<std::string>& list, std::string_view value) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& item) { return iequals(trim_blanks(item), value); });
}

std::string_view operation_name(operation op) {
    switch (op) {
        case operation::read: return "read";
        case operation::create: return "create";
        case operation::update: return "update";
        case operation::del: return "delete";
        case operation::opaque: return "opaque";
    }
    return "opaque";
}

/// Pydantic's exclude_none: null members of `j` go, and of the objects inside it when `deep`
/// (the author's `extras` keep theirs, as a dict's contents are not model fields).
void strip_null_members(json& j, bool deep) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end();) it = it->is_null() ? j.erase(it) : std::next(it);
    }
    if (!deep || !j.is_structured()) return;
    for (auto& member : j) strip_null_members(member, true);
}

}  // namespace

void as_parameter_schema(json& input_schema, const std::vector<std::string>& order) {
    auto props = input_schema.find("properties");
    if (props == input_schema.end() || !props->is_object()) return;
    for (auto& [name, member] : props->items()) member = codec::non_nullable_schema(std::move(member));
    auto required = input_schema.find("required");
    if (required == input_schema.end() || !required->is_array()) return;
    json ordered = json::array();
    for (const auto& name : order)
        if (std::find(required->begin(), required->end(), json(name)) != required->end()) ordered.push_back(name);
    for (const auto& name : *required)
        if (std::find(ordered.begin(), ordered.end(), name) == ordered.end()) ordered.push_back(name);
    *required = std::move(ordered);
}

json arcade_metadata_json(const tool_metadata& m) {
    if (!m.behavior && m.service_domains.empty() && !m.extras) return nullptr;
    json behavior = nullptr;
    if (m.behavior) {
        json ops = json::array();
        for (auto op : m.behavior->operations) ops.push_back(operation_name(op));
        behavior = json{{"operations", m.behavior->operations.empty() ? json(nullptr) : ops},
                        {"read_only", m.behavior->read_only ? json(*m.behavior->read_only) : json(nullptr)},
                        {"destructive", m.behavior->destructive ? json(*m.behavior->destructive) : json(nullptr)},
                        {"idempotent", m.behavior->idempotent ? json(*m.behavior->idempotent) : json(nullptr)},
                        {"open_world", m.behavior->open_world ? json(*m.behavior->open_world) : json(nullptr)}};
    }
    json domains = json::array();
    for (auto d : m.service_domains) domains.push_back(to_string(d));
    json classification = m.service_domains.empty() ? json(nullptr) : json{{"service_domains", std::move(domains)}};
    return json{{"classification", std::move(classification)}, {"behavior", std::move(behavior)},
                {"extras", m.extras ? *m.extras : json(nullptr)}};
}

json arcade_requirements_json(const tool_requirements& r) {
    json authorization = nullptr;
    if (r.oauth2) {
        authorization =
            json{{"provider_id", r.oauth2->provider_id ? json(*r.oauth2->provider_id) : json(nullptr)},
                 {"provider_type", "oauth2"},
                 {"id", r.oauth2->id ? json(*r.oauth2->id) : json(nullptr)},
                 {"oauth2", {{"scopes", r.oauth2->scopes.empty() ? json(nullptr) : json(r.oauth2->scopes)}}}};
    }
    json secrets = nullptr;
    for (const auto& key : r.secrets) {
        if (secrets.is_null()) secrets = json::array();
        const bool seen = std::any_of(secrets.begin(), secrets.end(), [&](const json& s) {
            return ascii_lower(s["key"].get<std::string>()) == ascii_lower(key);
        });
        if (!seen) secrets.push_back(json{{"key", key}});
    }
    json metadata = nullptr;
    for (const auto& key : r.metadata_keys) {
        if (metadata.is_null()) metadata = json::array();
        const json entry{{"key", ascii_lower(key)}};
        if (std::find(metadata.begin(), metadata.end(), entry) == metadata.end()) metadata.push_back(entry);
    }
    return json{{"authorization", std::move(authorization)},
                {"secrets", std::move(secrets)},
                {"metadata", std::move(metadata)}};
}

tool_catalog::tool_catalog(const server& srv, const catalog_options& options) {
    const std::string_view separator = options.separator;
    std::size_t index = 0;
    for (auto& [shared_spec, kit] : server_access::tools_with_toolkits(srv)) {
        const tool_spec& spec = *shared_spec;
        const std::string& toolkit = kit->name;
        catalog_entry e;
        e.spec = shared_spec;
        e.toolkit = kit;
        e.registration_index = index++;
        if (!toolkit.empty() && listed(options.disabled_toolkits, toolkit)) continue;
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
        if (listed(options.disabled_tools, toolkit + "." + e.tool_name) || listed(options.disabled_tools, e.fqn))
            continue;
        entries_.push_back(std::move(e));
    }
    std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return a.fqn < b.fqn; });
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        by_name_.emplace(entries_[i].mcp_name, i);
        by_name_.emplace(entries_[i].fqn, i);
        by_lower_fqn_.emplace(ascii_lower(entries_[i].toolkit->name + "." + entries_[i].tool_name), i);
    }
}

std::vector<const catalog_entry*> tool_catalog::in_registration_order() const {
    std::vector<const catalog_entry*> out;
    for (const auto& e : entries_) out.push_back(&e);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->registration_index < b->registration_index; });
    return out;
}

const catalog_entry* tool_catalog::find_for_worker(std::string_view toolkit, std::string_view name,
                                                    const std::optional<std::string>& version) const {
    auto it = by_lower_fqn_.find(ascii_lower(std::string(toolkit) + "." + std::string(name)));
    if (it == by_lower_fqn_.end()) return nullptr;
    const catalog_entry& e = entries_[it->second];
    if (version && ascii_lower(*version) != ascii_lower(e.toolkit->version)) return nullptr;
    return &e;
}

const catalog_entry* tool_catalog::find(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : &entries_[it->second];
}

json tool_catalog::to_mcp_tool(const catalog_entry& e, std::string_view revision) const {
    const bool modern = revision_at_least(revision, rev_2025_06_18);
    json tool{{"name", e.mcp_name}};
    if (modern) tool["title"] = e.title;
    tool["description"] = e.spec->deprecation_message
                              ? "[DEPRECATED: " + *e.spec->deprecation_message + "] " + e.spec->description
                              : e.spec->description;
    tool["inputSchema"] = e.spec->input_schema;
    if (modern && e.spec->output_schema) tool["outputSchema"] = *e.spec->output_schema;
    json annotations{{"title", e.title}};
    if (const auto& b = e.spec->metadata.behavior) {
        if (b->read_only) annotations["readOnlyHint"] = *b->read_only;
        if (b->destructive) annotations["destructiveHint"] = *b->destructive;
        if (b->idempotent) annotations["idempotentHint"] = *b->idempotent;
        if (b->open_world) annotations["openWorldHint"] = *b->open_world;
    }
    tool["annotations"] = std::move(annotations);
    // 2025-11-25 only: 2026-07-28 has no Tool.execution (tasks are the server's choice there).
    if (e.spec->tasks != task_support::forbidden && revision == rev_2025_11_25)
        tool["execution"] = json{{"taskSupport", e.spec->tasks == task_support::required ? "required" : "optional"}};
    // _meta.arcade as arcade-mcp-server's _build_arcade_meta shows it: model_dump(exclude_none)
    // of the requirements and of the metadata (2025-06-18+: data types carry _meta).
    if (modern) {
        json arcade = json::object();
        json requirements = arcade_requirements_json(e.spec->requirements);
        strip_null_members(requirements, true);
        if (!requirements.empty()) arcade["requirements"] = std::move(requirements);
        json metadata = arcade_metadata_json(e.spec->metadata);
        if (!metadata.is_null()) {
            strip_null_members(metadata, false);
            for (const char* part : {"classification", "behavior"})
                if (metadata.contains(part)) strip_null_members(metadata[part], false);
            if (!metadata.empty()) arcade["metadata"] = std::move(metadata);
        }
        if (!arcade.empty()) tool["_meta"] = json{{"arcade", std::move(arcade)}};
    }
    return tool;
}

}  // namespace arcade_mcp::detail
