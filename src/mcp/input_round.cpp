// Answers of a multi-round-trip request (see input_round.hpp).
#include "mcp/input_round.hpp"

namespace arcade_mcp::detail {
namespace {

bool is_primitive_answer(const json& v) {
    if (v.is_string() || v.is_number_integer() || v.is_number_unsigned() || v.is_boolean() || v.is_number_float())
        return true;
    if (!v.is_array()) return false;
    for (const auto& item : v)
        if (!item.is_string()) return false;
    return true;
}

}  // namespace

std::string_view capability_for(std::string_view method) {
    if (method == "elicitation/create") return "elicitation";
    if (method == "sampling/createMessage") return "sampling";
    if (method == "roots/list") return "roots";
    return {};
}

std::optional<std::string> invalid_answer(std::string_view method, const json& answer) {
    if (!answer.is_object()) return "must be an object";
    if (method == "elicitation/create") {
        const auto action = answer.find("action");
        if (action == answer.end() || !action->is_string() ||
            (*action != "accept" && *action != "decline" && *action != "cancel"))
            return "must be an ElicitResult (action accept, decline or cancel)";
        if (const auto content = answer.find("content"); content != answer.end()) {
            if (!content->is_object()) return "content must be an object";
            for (const auto& [name, value] : content->items())
                if (!is_primitive_answer(value))
                    return "content." + name + " must be a string, number, boolean or list of strings";
        }
        return std::nullopt;
    }
    if (method == "sampling/createMessage") {
        if (!answer.contains("content") || !answer.value("role", json()).is_string() ||
            !answer.value("model", json()).is_string())
            return "must be a CreateMessageResult (role, content, model)";
        return std::nullopt;
    }
    const auto roots = answer.find("roots");
    if (roots == answer.end() || !roots->is_array()) return "must be a ListRootsResult (roots)";
    for (const auto& root : *roots)
        if (!root.is_object() || !root.value("uri", json()).is_string()) return "roots must be objects with a uri";
    return std::nullopt;
}

std::optional<json> input_round::answer(const std::string& key, std::string_view method) {
    std::lock_guard l(mu_);
    asked_.insert(key);
    const auto it = answers_.find(key);
    if (it == answers_.end()) return std::nullopt;
    if (auto why = invalid_answer(method, *it))
        throw request_error_signal{jsonrpc::error{jsonrpc::error_code::invalid_params,
                                                  "Invalid params: inputResponses." + key + " " + *why, std::nullopt}};
    return *it;
}

json input_round::asked_answers() const {
    std::lock_guard l(mu_);
    json out = json::object();
    for (const auto& key : asked_)
        if (auto it = answers_.find(key); it != answers_.end()) out[key] = *it;
    return out;
}

std::string input_round::next_key(std::string_view method) {
    std::lock_guard l(mu_);
    const std::string_view kind = method == "elicitation/create"       ? "elicit"
                                  : method == "sampling/createMessage" ? "sample"
                                                                       : "roots";
    return std::string(kind) + "_" + std::to_string(++auto_keys_);
}

}  // namespace arcade_mcp::detail
