// server construction, validation of names and versions, and Arcade's naming rules.
#include "arcade_mcp/mcp/server.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "mcp/server_access.hpp"
#include "mcp/uri_template.hpp"

namespace arcade_mcp {
namespace {

bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
char to_upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }
char to_lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string capitalize_rest_lower(std::string_view part) {
    std::string out;
    out.reserve(part.size());
    for (std::size_t i = 0; i < part.size(); ++i) out += i == 0 ? to_upper(part[i]) : to_lower(part[i]);
    return out;
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// Every character is alphanumeric or one of `extra`.
bool only(std::string_view s, std::string_view extra) {
    return std::all_of(s.begin(), s.end(),
                       [&](char c) { return is_alnum(c) || extra.find(c) != std::string_view::npos; });
}

/// A semver numeric identifier: digits, no leading zero.
bool numeric_identifier(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           (s.size() == 1 || s[0] != '0');
}

/// Dot-separated non-empty identifiers of [0-9A-Za-z-] (semver pre-release and build parts).
bool dotted_identifiers(std::string_view s) {
    if (s.empty()) return false;
    std::size_t start = 0;
    while (true) {
        const auto dot = s.find('.', start);
        const auto part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.empty() || !only(part, "-")) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool is_semver(std::string_view v) {
    std::string_view build, pre;
    if (auto plus = v.find('+'); plus != std::string_view::npos) {
        build = v.substr(plus + 1);
        if (!dotted_identifiers(build)) return false;
        v = v.substr(0, plus);
    }
    if (auto dash = v.find('-'); dash != std::string_view::npos) {
        pre = v.substr(dash + 1);
        if (!dotted_identifiers(pre)) return false;
        v = v.substr(0, dash);
    }
    const auto d1 = v.find('.');
    const auto d2 = d1 == std::string_view::npos ? d1 : v.find('.', d1 + 1);
    if (d2 == std::string_view::npos) return false;
    return numeric_identifier(v.substr(0, d1)) && numeric_identifier(v.substr(d1 + 1, d2 - d1 - 1)) &&
           numeric_identifier(v.substr(d2 + 1));
}

}  // namespace

std::string snake_to_pascal_case(std::string_view s) {
    if (s.empty()) return {};
    if (s.find('_') != std::string_view::npos) {
        std::string out;
        std::size_t start = 0;
        while (true) {
            const auto end = s.find('_', start);
            const auto part = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
            out += part.empty() ? std::string("_") : capitalize_rest_lower(part);
            if (end == std::string_view::npos) break;
            start = end + 1;
        }
        return out;
    }
    if (is_ascii_upper(s.front())) return std::string(s);
    return capitalize_rest_lower(s);
}

std::optional<std::string> normalize_version(std::string_view v) {
    if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) v.remove_prefix(1);
    std::string s(v);
    const auto dot = s.find('.');
    if (numeric_identifier(s)) s += ".0.0";
    else if (dot != std::string::npos && numeric_identifier(std::string_view(s).substr(0, dot)) &&
             numeric_identifier(std::string_view(s).substr(dot + 1))) s += ".0";
    if (!is_semver(s)) return std::nullopt;
    return s;
}

server::server(server_info info) : info_(std::move(info)) {
    if (info_.name.empty() || !is_alnum(info_.name.front()) || !only(info_.name, "_-"))
        throw std::invalid_argument("invalid server name '" + info_.name + "': use letters, digits, '_' and '-'");
    auto version = normalize_version(info_.version);
    if (!version)
        throw std::invalid_argument("invalid server version '" + info_.version + "': expected semver such as 1.0.0");
    info_.version = *version;
    if (!info_.toolkit.empty() && !only(info_.toolkit, "_"))
        throw std::invalid_argument("invalid toolkit name '" + info_.toolkit + "': use letters, digits and '_'");
    if (info_.page_size == 0) throw std::invalid_argument("page_size must be at least 1");
    // The server's own toolkit; its description falls back to the instructions.
    toolkit_info own{info_.toolkit, info_.version,
                     info_.toolkit_description.empty() ? info_.instructions.value_or("") : info_.toolkit_description};
    toolkits_.push_back(
        std::unique_ptr<toolkit>(new toolkit(*this, std::make_shared<const toolkit_info>(std::move(own)))));
}

namespace {

/// `a` and `b` name the same tool of a toolkit: with Arcade naming (a named toolkit) when their
/// PascalCase names are equal ignoring case, else when they are equal.
bool same_tool_name(const toolkit_info& kit, const std::string& a, const std::string& b) {
    if (kit.name.empty()) return a == b;
    const auto pa = snake_to_pascal_case(a), pb = snake_to_pascal_case(b);
    return std::equal(pa.begin(), pa.end(), pb.begin(), pb.end(),
                      [](char x, char y) { return to_lower(x) == to_lower(y); });
}

/// The names a tool is called by: {MCP name, fully qualified name} ("Kit_Tool", "Kit.Tool"), or
/// its own name twice without a toolkit name.
std::pair<std::string, std::string> called_names(const toolkit_info& kit, const std::string& name) {
    if (kit.name.empty()) return {name, name};
    const auto pascal = snake_to_pascal_case(name);
    return {kit.name + "_" + pascal, kit.name + "." + pascal};
}

bool iequal_names(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return to_lower(x) == to_lower(y); });
}

}  // namespace

tool_spec& server::add_tool(tool_spec spec) {
    std::shared_ptr<const toolkit_info> kit;
    {
        std::lock_guard l(mu_);
        kit = toolkits_.front()->info_;
    }
    return add_tool_to(kit, std::move(spec));
}

tool_spec& toolkit::add_tool(tool_spec spec) { return owner_->add_tool_to(info_, std::move(spec)); }

bool toolkit::remove_tool(std::string_view name) { return owner_->remove_tool_from(*info_, name); }

tool_spec& server::add_tool_to(const std::shared_ptr<const toolkit_info>& kit, tool_spec spec) {
    if (spec.name.empty() || spec.name.size() > 128 || !only(spec.name, "_.-"))
        throw std::invalid_argument("invalid tool name '" + spec.name + "': 1-128 of [A-Za-z0-9_.-]");
    if (spec.description.empty()) throw std::invalid_argument("tool '" + spec.name + "' needs a description");
    if (!spec.invoke) throw std::invalid_argument("tool '" + spec.name + "' has no handler");
    if (!spec.input_schema.is_object() || spec.input_schema.value("type", json()) != "object")
        throw std::invalid_argument("tool '" + spec.name + "': inputSchema must be an object schema");
    spec.checked_metadata();  // arcade-core refuses contradictory metadata when the tool is added
    // Within a named toolkit Arcade identifies tools by PascalCase name, case-insensitively;
    // without a name, names are verbatim and exact. Across toolkits the MCP and fully qualified
    // names must stay unique (toolkit "A_B" tool "c" and toolkit "A" tool "b_c" are both "A_B_C").
    const auto names = called_names(*kit, spec.name);
    tool_spec* added = nullptr;
    {
        std::lock_guard l(mu_);
        for (const auto& t : tools_) {
            if (t.kit == kit && same_tool_name(*kit, t.spec->name, spec.name)) {
                if (kit->name.empty()) throw std::invalid_argument("duplicate tool name '" + spec.name + "'");
                throw std::invalid_argument("duplicate tool name '" + spec.name + "' in toolkit '" + kit->name +
                                            "' (as '" + names.second + "')");
            }
            const auto other = called_names(*t.kit, t.spec->name);
            if (t.kit != kit && (names.first == other.first || names.second == other.second ||
                                 names.first == other.second || names.second == other.first))
                throw std::invalid_argument("tool '" + spec.name + "' of toolkit '" + kit->name +
                                            "' would be called '" + names.first + "', as tool '" + t.spec->name +
                                            "' of toolkit '" + t.kit->name + "' is");
        }
        tools_.push_back(registered_tool{std::make_shared<tool_spec>(std::move(spec)), kit});
        added = tools_.back().spec.get();
    }
    changed(list_kind::tools);
    return *added;
}

toolkit& server::add_toolkit(toolkit_info kit) {
    if (kit.name.empty() || !only(kit.name, "_"))
        throw std::invalid_argument("invalid toolkit name '" + kit.name + "': use letters, digits and '_'");
    auto version = normalize_version(kit.version);
    if (!version)
        throw std::invalid_argument("invalid version '" + kit.version + "' of toolkit '" + kit.name +
                                    "': expected semver such as 1.0.0");
    kit.version = *version;
    std::lock_guard l(mu_);
    for (const auto& existing : toolkits_) {
        const toolkit_info& e = existing->info();
        if (!iequal_names(e.name, kit.name)) continue;
        if (e.name == kit.name && e.version == kit.version && e.description == kit.description) return *existing;
        throw std::invalid_argument("toolkit '" + kit.name + "' is already added as '" + e.name + "' " + e.version +
                                    (e.description == kit.description ? "" : " with another description"));
    }
    toolkits_.push_back(
        std::unique_ptr<toolkit>(new toolkit(*this, std::make_shared<const toolkit_info>(std::move(kit)))));
    return *toolkits_.back();
}

std::vector<std::pair<std::shared_ptr<const tool_spec>, std::shared_ptr<const toolkit_info>>>
server::tools_with_toolkits() const {
    std::lock_guard l(mu_);
    std::vector<std::pair<std::shared_ptr<const tool_spec>, std::shared_ptr<const toolkit_info>>> out;
    out.reserve(tools_.size());
    for (const auto& t : tools_) out.emplace_back(t.spec, t.kit);
    return out;
}

namespace {

/// Erases the first item whose key equals `key`; true when one was erased.
template <class Vector, class Key>
bool erase_by(Vector& items, Key key, std::string_view wanted) {
    const auto it = std::find_if(items.begin(), items.end(), [&](const auto& item) { return key(*item) == wanted; });
    if (it == items.end()) return false;
    items.erase(it);
    return true;
}

}  // namespace

namespace {

/// Appends `spec` unless an item has the same key; std::invalid_argument names `what` otherwise.
template <class T, class Key>
T& append_unique(std::mutex& mu, std::vector<std::shared_ptr<T>>& items, T spec, Key key, const char* what) {
    std::lock_guard l(mu);
    for (const auto& item : items)
        if (key(*item) == key(spec))
            throw std::invalid_argument(std::string("duplicate ") + what + " '" + key(spec) + "'");
    items.push_back(std::make_shared<T>(std::move(spec)));
    return *items.back();
}

const std::string& uri_of(const resource_spec& r) { return r.info.uri; }
const std::string& uri_of(const resource_template_spec& t) { return t.info.uri; }
const std::string& name_of(const prompt_spec& p) { return p.name; }

}  // namespace

bool server::remove_tool(std::string_view name) {
    std::shared_ptr<const toolkit_info> kit;
    {
        std::lock_guard l(mu_);
        kit = toolkits_.front()->info_;
    }
    return remove_tool_from(*kit, name);
}

bool server::remove_tool_from(const toolkit_info& kit, std::string_view name) {
    bool removed = false;
    {
        std::lock_guard l(mu_);
        const auto it = std::find_if(tools_.begin(), tools_.end(), [&](const registered_tool& t) {
            return t.kit.get() == &kit && t.spec->name == name;
        });
        if (it != tools_.end()) {
            tools_.erase(it);
            removed = true;
        }
    }
    if (removed) changed(list_kind::tools);
    return removed;
}

resource_spec& server::add_resource(resource_spec spec) {
    if (spec.info.uri.empty() || spec.info.name.empty())
        throw std::invalid_argument("a resource needs a uri and a name");
    if (!spec.read) throw std::invalid_argument("resource '" + spec.info.uri + "' has no reader");
    auto& added = append_unique(
        mu_, resources_, std::move(spec), [](const resource_spec& r) -> const std::string& { return uri_of(r); },
        "resource uri");
    changed(list_kind::resources);
    return added;
}

resource_template_spec& server::add_resource_template(resource_template_spec spec) {
    if (spec.info.uri.empty() || spec.info.name.empty())
        throw std::invalid_argument("a resource template needs a uri template and a name");
    if (!spec.read) throw std::invalid_argument("resource template '" + spec.info.uri + "' has no reader");
    const detail::uri_template parsed(spec.info.uri);  // throws std::invalid_argument when malformed
    for (const auto& [variable, c] : spec.completers)
        if (std::find(parsed.variables().begin(), parsed.variables().end(), variable) == parsed.variables().end())
            throw std::invalid_argument("resource template '" + spec.info.uri + "' has no variable '" + variable +
                                        "' to complete");
    auto& added = append_unique(
        mu_, templates_, std::move(spec),
        [](const resource_template_spec& t) -> const std::string& { return uri_of(t); }, "resource template");
    changed(list_kind::resources);
    return added;
}

bool server::remove_resource(std::string_view uri) {
    bool removed = false;
    {
        std::lock_guard l(mu_);
        const auto key = [](const auto& r) -> const std::string& { return r.info.uri; };
        removed = erase_by(resources_, key, uri) || erase_by(templates_, key, uri);
    }
    if (removed) changed(list_kind::resources);
    return removed;
}

void server::notify_resource_updated(const std::string& uri) {
    for (auto* o : observers()) o->resource_updated(uri);
}

prompt_spec& server::add_prompt(prompt_spec spec) {
    if (spec.name.empty() || spec.name.size() > 128)
        throw std::invalid_argument("invalid prompt name '" + spec.name + "'");
    if (!spec.get) throw std::invalid_argument("prompt '" + spec.name + "' has no handler");
    for (const auto& entry : spec.completers) {
        const std::string& argument = entry.first;  // not a structured binding: clang 14 cannot capture those
        if (std::none_of(spec.arguments.begin(), spec.arguments.end(),
                         [&](const prompt_argument& a) { return a.name == argument; }))
            throw std::invalid_argument("prompt '" + spec.name + "' has no argument '" + argument + "' to complete");
    }
    auto& added = append_unique(
        mu_, prompts_, std::move(spec), [](const prompt_spec& p) -> const std::string& { return name_of(p); },
        "prompt name");
    changed(list_kind::prompts);
    return added;
}

bool server::remove_prompt(std::string_view name) {
    bool removed = false;
    {
        std::lock_guard l(mu_);
        removed = erase_by(prompts_, [](const prompt_spec& p) -> const std::string& { return name_of(p); }, name);
    }
    if (removed) changed(list_kind::prompts);
    return removed;
}

namespace {
template <class T>
std::vector<std::shared_ptr<const T>> snapshot(std::mutex& mu, const std::vector<std::shared_ptr<T>>& items) {
    std::lock_guard l(mu);
    return {items.begin(), items.end()};
}
}  // namespace

std::vector<std::shared_ptr<const tool_spec>> server::tools() const {
    std::lock_guard l(mu_);
    std::vector<std::shared_ptr<const tool_spec>> out;
    out.reserve(tools_.size());
    for (const auto& t : tools_) out.push_back(t.spec);
    return out;
}
std::vector<std::shared_ptr<const resource_spec>> server::resources() const { return snapshot(mu_, resources_); }
std::vector<std::shared_ptr<const resource_template_spec>> server::resource_templates() const {
    return snapshot(mu_, templates_);
}
std::vector<std::shared_ptr<const prompt_spec>> server::prompts() const { return snapshot(mu_, prompts_); }

void server::add_observer(detail::server_observer* observer) {
    std::lock_guard l(mu_);
    observers_.push_back(observer);
}

void server::remove_observer(detail::server_observer* observer) {
    std::lock_guard l(mu_);
    observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

std::vector<detail::server_observer*> server::observers() const {
    std::lock_guard l(mu_);
    return observers_;
}

void server::changed(list_kind kind) {
    for (auto* o : observers()) o->list_changed(kind);
}

}  // namespace arcade_mcp
