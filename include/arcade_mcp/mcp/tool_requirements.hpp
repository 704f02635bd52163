/// @file tool_requirements.hpp
/// What a tool needs and how it behaves, declared by its author once and shown on both
/// protocols: the Arcade ToolDefinition (`requirements`, `metadata`, `deprecation_message`) and
/// MCP (`annotations`, `_meta.arcade`, a `[DEPRECATED: ...]` description prefix).
///
/// Example:
/// @code
/// srv.add_tool<args>("send_mail", "Send an e-mail.", send)
///     .requires_secret("SMTP_PASSWORD")
///     .requires_oauth2("google", {"https://www.googleapis.com/auth/gmail.send"})
///     .with_behavior({.operations = {operation::create}, .read_only = false, .destructive = false,
///                     .idempotent = false, .open_world = true})
///     .with_service_domains({service_domain::email});
/// @endcode
/// Contradictory metadata is refused when it is set (std::invalid_argument with arcade-core's
/// text), unless the tool opts out first with `tool_spec::lenient_metadata()`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// An OAuth2 authorization the engine must obtain for the user before the tool runs: from a known
/// provider (`provider_id`), from a custom provider configured in Arcade (`id` alone, Python's
/// `OAuth2(id=...)`), or from one given configuration of a known provider (both).
struct oauth2_requirement {
    std::optional<std::string> provider_id;  ///< a known provider, e.g. "github"
    std::optional<std::string> id;           ///< a provider configuration's unique id in Arcade
    std::vector<std::string> scopes;         ///< the OAuth2 scopes the token must carry
};

/// Kinds of operation a tool performs (Arcade ToolMetadata.behavior.operations).
enum class operation {
    read,    ///< "read"
    create,  ///< "create"
    update,  ///< "update"
    del,     ///< "delete"
    opaque   ///< "opaque": unknown or mixed
};

/// Behaviour hints: MCP annotations (readOnlyHint, ...) and Arcade `metadata.behavior`.
struct tool_behavior {
    std::vector<operation> operations;  ///< what it does
    std::optional<bool> read_only;      ///< changes nothing (readOnlyHint)
    std::optional<bool> destructive;    ///< may delete or overwrite (destructiveHint)
    std::optional<bool> idempotent;     ///< repeating a call has no further effect (idempotentHint)
    std::optional<bool> open_world;     ///< reaches outside systems (openWorldHint)
};

/// Everything optional about a tool beyond its schemas.
struct tool_requirements {
    std::vector<std::string> secrets;        ///< secret keys the tool reads (case kept)
    std::vector<std::string> metadata_keys;  ///< metadata keys the tool reads (lower-cased on the wire)
    std::optional<oauth2_requirement> oauth2;  ///< an OAuth2 token the engine obtains for the user
};

/// The kind of service a tool works with (Arcade's ServiceDomain, arcade-core 4.11): its wire
/// name is the enumerator's name ("project_management", "crm", ...; see to_string).
enum class service_domain {
    project_management,     ///< project tracking, issues, work items
    crm,                    ///< customer relationship management
    contacts,               ///< address books and people directories
    email,                  ///< e-mail services
    calendar,               ///< calendars and scheduling
    messaging,              ///< team and business messaging
    documents,              ///< documents, wikis, knowledge bases
    cloud_storage,          ///< cloud file storage and sharing
    spreadsheets,           ///< spreadsheets and tabular data
    presentations,          ///< slideshows
    design,                 ///< UI/UX design and prototyping
    source_code,            ///< version control and code review
    payments,               ///< payments, invoicing, billing
    social_media,           ///< publishing to a public social feed
    video_hosting,          ///< video hosting and streaming
    music_streaming,        ///< music streaming and playback
    customer_support,       ///< help desks and ticketing
    ecommerce,              ///< online shops and product catalogues
    incident_management,    ///< incident response and on-call
    web_scraping,           ///< web data extraction and crawling
    code_sandbox,           ///< sandboxed code execution
    video_conferencing,     ///< video meetings
    geospatial,             ///< maps, directions, geocoding
    financial_data,         ///< market and stock data
    travel,                 ///< travel search and booking
    product_analytics,      ///< product analytics and experimentation
    observability,          ///< logs, traces, metrics, APM
    sales_intelligence,     ///< B2B prospecting and enrichment
    survey,                 ///< surveys and forms
    business_intelligence   ///< dashboards and analytical queries
};

/// The wire name of a service domain, e.g. "source_code".
std::string_view to_string(service_domain d) noexcept;
/// The service domain with wire name `name` (exact, lower case); std::nullopt for a name Arcade's
/// ServiceDomain does not have.
std::optional<service_domain> service_domain_from_string(std::string_view name) noexcept;

/// Arcade's ToolMetadata: behaviour and classification of a tool.
struct tool_metadata {
    std::optional<tool_behavior> behavior;        ///< behaviour hints (tool_spec::with_behavior)
    std::vector<service_domain> service_domains;  ///< what kind of service it works with
    std::optional<json> extras;                   ///< JSON object of author extras
    /// Refuse contradictions (Python's `ToolMetadata(strict=True)`, the default): see
    /// metadata_contradiction. False keeps a deliberate edge case, such as a "read" tool that
    /// counts views. Never on the wire.
    bool strict = true;
};

/// Why `m` cannot be a tool's metadata, worded as arcade-core's ToolMetadata.validate_for_tool
/// words its ToolDefinitionError, or std::nullopt when it can. Always: `extras` must be a JSON
/// object without NaN or infinite numbers. When `m.strict`: a mutating operation (create, update,
/// delete) or `opaque` with `read_only = true`, `delete` with `destructive = false`, and a
/// service domain with `open_world = false` are contradictions.
std::optional<std::string> metadata_contradiction(const tool_metadata& m);

}  // namespace arcade_mcp
