// Arcade's ServiceDomain names and ToolMetadata.validate_for_tool (arcade-core 4.11 metadata.py):
// the refusals and their texts (see tool_requirements.hpp).
#include <array>
#include <cmath>
#include <utility>

#include "arcade_mcp/mcp/tool_requirements.hpp"

namespace arcade_mcp {
namespace {

constexpr std::array<std::pair<service_domain, std::string_view>, 30> service_domain_names{{
    {service_domain::project_management, "project_management"},
    {service_domain::crm, "crm"},
    {service_domain::contacts, "contacts"},
    {service_domain::email, "email"},
    {service_domain::calendar, "calendar"},
    {service_domain::messaging, "messaging"},
    {service_domain::documents, "documents"},
    {service_domain::cloud_storage, "cloud_storage"},
    {service_domain::spreadsheets, "spreadsheets"},
    {service_domain::presentations, "presentations"},
    {service_domain::design, "design"},
    {service_domain::source_code, "source_code"},
    {service_domain::payments, "payments"},
    {service_domain::social_media, "social_media"},
    {service_domain::video_hosting, "video_hosting"},
    {service_domain::music_streaming, "music_streaming"},
    {service_domain::customer_support, "customer_support"},
    {service_domain::ecommerce, "ecommerce"},
    {service_domain::incident_management, "incident_management"},
    {service_domain::web_scraping, "web_scraping"},
    {service_domain::code_sandbox, "code_sandbox"},
    {service_domain::video_conferencing, "video_conferencing"},
    {service_domain::geospatial, "geospatial"},
    {service_domain::financial_data, "financial_data"},
    {service_domain::travel, "travel"},
    {service_domain::product_analytics, "product_analytics"},
    {service_domain::observability, "observability"},
    {service_domain::sales_intelligence, "sales_intelligence"},
    {service_domain::survey, "survey"},
    {service_domain::business_intelligence, "business_intelligence"},
}};

bool has_operation(const tool_behavior& b, operation op) {
    for (auto o : b.operations)
        if (o == op) return true;
    return false;
}

/// metadata.py's _find_json_violations for what a json can hold that Python refuses: non-finite
/// numbers (nlohmann keeps NaN and infinity in a double). Paths as Python writes them.
void find_unsafe_numbers(const json& j, const std::string& path, std::vector<std::string>& found) {
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) find_unsafe_numbers(value, path + "['" + key + "']", found);
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            find_unsafe_numbers(j[i], path + "[" + std::to_string(i) + "]", found);
    } else if (j.is_number_float() && !std::isfinite(j.get<double>())) {
        const double v = j.get<double>();
        const std::string shown = std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
        found.push_back(path + " has a non-JSON-safe float value " + shown +
                        " \u2014 NaN and Infinity are not valid JSON numbers");
    }
}

}  // namespace

std::string_view to_string(service_domain d) noexcept {
    for (const auto& [value, name] : service_domain_names)
        if (value == d) return name;
    return "";
}

std::optional<service_domain> service_domain_from_string(std::string_view name) noexcept {
    for (const auto& [value, known] : service_domain_names)
        if (known == name) return value;
    return std::nullopt;
}

std::optional<std::string> metadata_contradiction(const tool_metadata& m) {
    if (m.extras) {
        if (!m.extras->is_object()) return "ToolMetadata.extras must be a JSON object.";
        std::vector<std::string> found;
        find_unsafe_numbers(*m.extras, "extras", found);
        if (!found.empty()) {
            std::string joined;
            for (const auto& f : found) joined += (joined.empty() ? "" : "; ") + f;
            return "ToolMetadata.extras must contain only JSON-safe types (str, int, float, bool, None, dict, list). "
                   "Found violations: " +
                   joined +
                   ". All dict keys must be strings, and all values must be JSON-native types.";
        }
    }
    if (!m.strict || !m.behavior) return std::nullopt;
    const tool_behavior& b = *m.behavior;
    // Rule 1: mutating operations and read_only=True (named in declaration order; Python's set order varies).
    std::string mutating;
    for (auto [op, name] : {std::pair{operation::create, "CREATE"}, std::pair{operation::update, "UPDATE"},
                            std::pair{operation::del, "DELETE"}})
        if (has_operation(b, op)) mutating += (mutating.empty() ? "" : ", ") + std::string(name);
    if (!mutating.empty() && b.read_only == true)
        return "Tool has the mutating operation(s): '" + mutating +
               "' in its behavior metadata, but is marked read_only=True. "
               "Fix the contradiction, or set strict=False to bypass.";
    // Rule 2: OPAQUE and read_only=True.
    if (has_operation(b, operation::opaque) && b.read_only == true)
        return std::string(
            "Tool has OPAQUE operation but is marked read_only=True. Cannot guarantee read-only when the operation "
            "is indeterminate. Fix the contradiction, or set strict=False to bypass.");
    // Rule 3: DELETE and destructive=False.
    if (has_operation(b, operation::del) && b.destructive == false)
        return std::string(
            "Tool has the 'DELETE' operation but is not marked destructive=True. "
            "Fix the contradiction, or set strict=False to bypass.");
    // Rule 4: a service domain and open_world=False.
    if (!m.service_domains.empty() && b.open_world == false)
        return std::string(
            "Tool has a ServiceDomain (implying an external service) but is marked open_world=False. "
            "Fix the contradiction, or set strict=False to bypass.");
    return std::nullopt;
}

}  // namespace arcade_mcp
