// resources/list, resources/templates/list, resources/read and resources/(un)subscribe of the
// MCP core. Reads run on the worker pool; a URI is served by the resource registered under it,
// else by the first template (in registration order) that matches it.
#include "mcp/dispatcher.hpp"

#include "jsonrpc/errors.hpp"
#include "mcp/modern_reply.hpp"
#include "mcp/request_meta.hpp"
#include "mcp/paging.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_scope.hpp"
#include "mcp/uri_template.hpp"

namespace arcade_mcp::detail {
namespace {

json info_json(const resource_info& info, const char* uri_member, std::string_view revision) {
    json j{{uri_member, info.uri}, {"name", info.name}};
    if (info.title && revision_at_least(revision, rev_2025_06_18)) j["title"] = *info.title;
    if (info.description) j["description"] = *info.description;
    if (info.mime_type) j["mimeType"] = *info.mime_type;
    if (info.size) j["size"] = *info.size;
    if (info.notes) {
        annotations a = *info.notes;
        if (!revision_at_least(revision, rev_2025_06_18)) a.last_modified.reset();
        if (json aj = a.to_json(); !aj.empty()) j["annotations"] = std::move(aj);
    }
    return j;
}

/// The `uri` param as a non-empty string, or an error.
std::optional<std::string> uri_param(const jsonrpc::request& req, std::optional<jsonrpc::error>& err) {
    const auto uri = req.params.find("uri");
    if (uri == req.params.end() || !uri->is_string() || uri->get_ref<const std::string&>().empty()) {
        err = invalid_params("Invalid params: uri (non-empty string) is required");
        return std::nullopt;
    }
    return uri->get<std::string>();
}

}  // namespace

json dispatcher::list_resources(const session_state& session, const jsonrpc::request& req,
                                std::optional<jsonrpc::error>& err) const {
    const auto items = server_.resources();
    const std::string revision = session.revision();
    bool bad = false;
    json result = page_of(req.params, "resources", "resources", items.size(), server_.info().page_size,
                          [&](std::size_t i) { return info_json(items[i]->info, "uri", revision); }, bad);
    if (bad) err = invalid_params("Invalid params: invalid cursor");
    return result;
}

json dispatcher::list_resource_templates(const session_state& session, const jsonrpc::request& req,
                                         std::optional<jsonrpc::error>& err) const {
    const auto items = server_.resource_templates();
    const std::string revision = session.revision();
    bool bad = false;
    json result = page_of(req.params, "templates", "resourceTemplates", items.size(), server_.info().page_size,
                          [&](std::size_t i) {
                              json j = info_json(items[i]->info, "uriTemplate", revision);
                              j.erase("size");
                              return j;
                          }, bad);
    if (bad) err = invalid_params("Invalid params: invalid cursor");
    return result;
}

json dispatcher::subscribe(session_state& session, const jsonrpc::request& req, bool on,
                           std::optional<jsonrpc::error>& err) const {
    if (server_.resources().empty() && server_.resource_templates().empty()) {
        err = jsonrpc::error{jsonrpc::error_code::method_not_found, "Method not found: " + req.method, std::nullopt};
        return {};
    }
    const auto uri = uri_param(req, err);
    if (!uri) return {};
    if (on) session.subscribe(*uri);
    else session.unsubscribe(*uri);
    return json::object();
}

void dispatcher::read_resource(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                               const std::shared_ptr<outbound_sink>& sink) {
    std::optional<jsonrpc::error> err;
    const auto uri = uri_param(req, err);
    if (!uri) return sink->finish(jsonrpc::make_error(req.id, *err));

    std::shared_ptr<const resource_spec> fixed;
    for (auto& r : server_.resources())
        if (r->info.uri == *uri) fixed = r;
    std::shared_ptr<const resource_template_spec> family;
    std::map<std::string, std::string> variables;
    if (!fixed) {
        for (auto& t : server_.resource_templates()) {
            if (auto vars = uri_template(t->info.uri).match(*uri)) {
                family = t;
                variables = std::move(*vars);
                break;
            }
        }
    }
    if (!fixed && !family)
        return sink->finish(jsonrpc::make_error(
            req.id, jsonrpc::error{resource_not_found_code, "Resource not found: " + *uri, json{{"uri", *uri}}}));

    auto work = [fixed, family, variables, uri = *uri](request_scope& ctx,
                                                       const jsonrpc::request& r) -> std::optional<json> {
        auto contents = fixed ? fixed->read(ctx, uri) : family->read(ctx, uri, variables);
        if (!contents) {
            const tool_error& e = contents.error();
            const bool missing = e.status_code && *e.status_code == 404;
            return jsonrpc::make_error(
                r.id, jsonrpc::error{missing ? resource_not_found_code : jsonrpc::error_code::internal_error, e.message,
                                     json{{"uri", uri}}});
        }
        json items = json::array();
        for (const auto& c : contents.value()) items.push_back(c.to_json());
        json result{{"contents", std::move(items)}};
        // 2026-07-28: the resource's own caching hint (modern_reply_sink adds the server's default).
        if (const auto& hint = fixed ? fixed->cache : family->cache; hint && is_modern_revision(ctx.protocol_version()))
            add_cache_hint(result, *hint);
        return jsonrpc::make_result(r.id, std::move(result));
    };
    run_on_pool(session, std::move(req), sink, pool_call{std::move(work), nullptr, std::nullopt, {}, {}});
}

}  // namespace arcade_mcp::detail
