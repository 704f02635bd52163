// Front-door authorization settings from the environment (see resource_server_settings.hpp).
#include "auth/resource_server_settings.hpp"

#include <stdexcept>

#include "arcade_mcp/json.hpp"
#include "auth/bearer_gate.hpp"

namespace arcade_mcp::detail::auth {
namespace {

constexpr std::string_view servers_var = "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS";

[[noreturn]] void refuse(std::string_view what) { throw std::invalid_argument(std::string(what)); }

std::vector<std::string> split_spaces(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != ',' && text[j] != '\t') ++j;
        if (j > i) out.emplace_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string string_member(const json& entry, const char* key, std::size_t index, bool required) {
    const auto it = entry.find(key);
    if (it == entry.end() || it->is_null()) {
        if (required)
            refuse(std::string(servers_var) + ": entry " + std::to_string(index) + " has no \"" + key + "\"");
        return {};
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
        refuse(std::string(servers_var) + ": entry " + std::to_string(index) + ": \"" + key +
               "\" must be a non-empty string");
    return it->get<std::string>();
}

std::vector<std::string> string_list(const json& value, std::size_t index, const char* key) {
    std::vector<std::string> out;
    if (value.is_string()) return {value.get<std::string>()};
    if (!value.is_array())
        refuse(std::string(servers_var) + ": entry " + std::to_string(index) + ": \"" + key +
               "\" must be a string or an array of strings");
    for (const auto& v : value) {
        if (!v.is_string() || v.get_ref<const std::string&>().empty())
            refuse(std::string(servers_var) + ": entry " + std::to_string(index) + ": \"" + key +
                   "\" must hold non-empty strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

void read_validation_options(const json& options, authorization_server_entry& e, std::size_t index,
                             std::vector<std::string>& warnings) {
    const std::string where = std::string(servers_var) + ": entry " + std::to_string(index) + ": validation_options";
    if (!options.is_object()) refuse(where + " must be an object");
    for (const auto& [key, value] : options.items()) {
        if (key == "leeway") {
            if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 300)
                refuse(where + ".leeway must be an integer from 0 to 300 (seconds)");
            e.leeway = std::chrono::seconds(value.get<long long>());
        } else if (key == "verify_iat" || key == "verify_nbf" || key == "verify_exp" || key == "verify_iss") {
            if (!value.is_boolean()) refuse(where + "." + key + " must be true or false");
            const bool on = value.get<bool>();
            if (key == "verify_iat") e.verify_iat = on;
            else if (key == "verify_nbf") e.verify_nbf = on;
            else if (!on)
                refuse(where + "." + key + "=false is not supported: every token must carry a valid " +
                       (key == "verify_exp" ? "exp" : "iss"));
        } else {
            warnings.push_back(where + "." + key + " is not a known option and is ignored");
        }
    }
}

}  // namespace

std::vector<authorization_server_entry> parse_authorization_servers(std::string_view json_text,
                                                                    std::vector<std::string>& warnings) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const std::exception&) {
        refuse(std::string(servers_var) + " is not valid JSON (expected an array of objects)");
    }
    if (doc.is_object()) doc = json::array({std::move(doc)});  // one entry given bare
    if (!doc.is_array() || doc.empty())
        refuse(std::string(servers_var) + " must be a non-empty JSON array of authorization servers");
    std::vector<authorization_server_entry> out;
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const json& entry = doc[i];
        if (!entry.is_object()) refuse(std::string(servers_var) + ": entry " + std::to_string(i) + " is not an object");
        authorization_server_entry e;
        e.authorization_server_url = string_member(entry, "authorization_server_url", i, true);
        e.issuer = string_member(entry, "issuer", i, false);
        if (e.issuer.empty()) e.issuer = e.authorization_server_url;
        e.jwks_uri = string_member(entry, "jwks_uri", i, false);
        const bool has_one = entry.contains("algorithm"), has_many = entry.contains("algorithms");
        if (has_one && has_many)
            refuse(std::string(servers_var) + ": entry " + std::to_string(i) +
                   " gives both \"algorithm\" and \"algorithms\"");
        if (has_one) e.algorithms = {string_member(entry, "algorithm", i, true)};
        if (has_many) e.algorithms = string_list(entry.at("algorithms"), i, "algorithms");
        if (auto it = entry.find("expected_audiences"); it != entry.end() && !it->is_null())
            e.expected_audiences = string_list(*it, i, "expected_audiences");
        if (auto it = entry.find("validation_options"); it != entry.end() && !it->is_null())
            read_validation_options(*it, e, i, warnings);
        static constexpr std::string_view known[] = {"authorization_server_url", "issuer", "jwks_uri", "algorithm",
                                                     "algorithms", "expected_audiences", "validation_options"};
        for (const auto& [key, value] : entry.items()) {
            bool is_known = false;
            for (auto k : known) is_known = is_known || key == k;
            if (!is_known) {
                std::string line(servers_var);  // appended step by step: GCC 12 -Warray-bounds on a + chain
                line.append(": entry ").append(std::to_string(i)).append(": \"").append(key);
                line.append("\" is not a known key and is ignored");
                warnings.push_back(std::move(line));
            }
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::optional<resource_server_options> resource_server_from_settings(const setting_lookup& lookup,
                                                                     std::vector<std::string>& warnings) {
    auto canonical = lookup("MCP_RESOURCE_SERVER_CANONICAL_URL");
    auto servers = lookup(servers_var);
    if (!canonical && !servers) return std::nullopt;
    if (!canonical) refuse(std::string(servers_var) + " is set but MCP_RESOURCE_SERVER_CANONICAL_URL is not");
    if (!servers) refuse("MCP_RESOURCE_SERVER_CANONICAL_URL is set but " + std::string(servers_var) + " is not");
    resource_server_options o;
    o.canonical_url = *canonical;
    o.authorization_servers = parse_authorization_servers(*servers, warnings);
    if (auto v = lookup("MCP_RESOURCE_SERVER_SCOPES_SUPPORTED")) o.scopes_supported = split_spaces(*v);
    if (auto v = lookup("MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES")) o.default_challenge_scopes = split_spaces(*v);
    if (auto v = lookup("MCP_RESOURCE_SERVER_NAME")) o.resource_name = *v;
    if (auto v = lookup("MCP_RESOURCE_SERVER_CA_FILE")) o.ca_file = *v;
    const auto seconds = [&](const char* name, long long min, long long max, std::chrono::seconds& target) {
        auto v = lookup(name);
        if (!v) return;
        long long n = -1;
        try {
            std::size_t used = 0;
            n = std::stoll(*v, &used);
            if (used != v->size()) n = -1;
        } catch (const std::exception&) {
            n = -1;
        }
        if (n < min || n > max)
            refuse(std::string(name) + " must be a whole number of seconds from " + std::to_string(min) + " to " +
                   std::to_string(max));
        target = std::chrono::seconds(n);
    };
    seconds("MCP_RESOURCE_SERVER_JWKS_CACHE_SECONDS", 1, 86400, o.jwks_cache_lifetime);
    // At least 1 s: a token names any kid it likes, and each refetch goes to the issuer.
    seconds("MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN_SECONDS", 1, 3600, o.jwks_refetch_cooldown);
    if (auto problem = validate(o)) refuse(*problem);
    return o;
}

}  // namespace arcade_mcp::detail::auth
