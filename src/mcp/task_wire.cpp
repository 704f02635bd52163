// Task JSON of both eras and the tasks negotiation helpers (task_wire.hpp).
#include "mcp/task_wire.hpp"

#include "mcp/request_meta.hpp"

namespace arcade_mcp::detail {
namespace {

/// The fields both eras share under their own names for TTL and poll interval.
json common_fields(const tasks::task_record& task, const char* ttl_name, const char* poll_name) {
    json out = json::object();
    out["taskId"] = task.id;
    out["status"] = tasks::to_string(task.status);
    if (!task.status_message.empty()) out["statusMessage"] = task.status_message;
    out["createdAt"] = tasks::iso8601(task.created_at_ms);
    out["lastUpdatedAt"] = tasks::iso8601(task.last_updated_at_ms);
    out[ttl_name] = task.ttl_ms;
    if (task.poll_interval_ms > 0) out[poll_name] = task.poll_interval_ms;
    return out;
}

}  // namespace

json legacy_task_json(const tasks::task_record& task) { return common_fields(task, "ttl", "pollInterval"); }

json modern_create_result(const tasks::task_record& task) {
    json out = common_fields(task, "ttlMs", "pollIntervalMs");
    out["resultType"] = "task";
    return out;
}

json modern_detailed_task(const tasks::task_record& task) {
    json out = common_fields(task, "ttlMs", "pollIntervalMs");
    if (task.status == tasks::task_status::input_required && !task.input_requests.empty())
        out["inputRequests"] = task.input_requests;
    if (task.outcome.is_object()) {
        if (task.status == tasks::task_status::completed && task.outcome.contains("result"))
            out["result"] = task.outcome["result"];
        else if (task.status == tasks::task_status::failed && task.outcome.contains("error"))
            out["error"] = task.outcome["error"];
    }
    return out;
}

json legacy_tasks_capability() {
    return json{{"list", json::object()},
                {"cancel", json::object()},
                {"requests", {{"tools", {{"call", json::object()}}}}}};
}

bool declares_tasks_extension(const session_state& session) {
    const json caps = session.client_capabilities();
    const auto extensions = caps.find("extensions");
    return extensions != caps.end() && extensions->is_object() && extensions->contains(std::string(tasks_extension));
}

jsonrpc::error missing_tasks_extension_error() {
    json extensions = json::object();
    extensions[std::string(tasks_extension)] = json::object();
    return jsonrpc::error{modern_error::missing_client_capability,
                          "Missing required client capability: extension " + std::string(tasks_extension),
                          json{{"requiredCapabilities", {{"extensions", std::move(extensions)}}}}};
}

json related_task_meta(std::string_view task_id) {
    json meta = json::object();
    meta[std::string(meta_related_task)] = json{{"taskId", task_id}};
    return meta;
}

}  // namespace arcade_mcp::detail
