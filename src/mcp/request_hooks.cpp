// Request hooks of the middleware (see request_hooks.hpp).
#include "mcp/request_hooks.hpp"

#include <chrono>
#include <exception>
#include <string>

#include "arcade_mcp/jsonrpc/message.hpp"
#include "log/logger.hpp"

namespace arcade_mcp::detail {
namespace {

using clock = std::chrono::steady_clock;

/// What request_info points into, owned for the request's lifetime.
struct request_facts {
    std::string method;
    std::string revision;
    std::string session_id;
    std::string request_id;
    json params;
    request_info info() const { return request_info{method, revision, session_id, request_id, params}; }
};

/// Forwards everything to the transport's sink; on finish, tells the hooks that ran (reverse order).
class hooked_sink final : public outbound_sink {
public:
    hooked_sink(std::shared_ptr<outbound_sink> next, const middleware_chain& chain, std::size_t owed,
                request_facts facts)
        : next_(std::move(next)), chain_(chain), owed_(owed), facts_(std::move(facts)), started_(clock::now()) {}

    void send(json message) override { next_->send(std::move(message)); }
    void close_stream() override { next_->close_stream(); }
    void finish(std::optional<json> reply) override {
        request_result result;
        result.answered = reply.has_value();
        if (reply) result.error_code = jsonrpc::error_code_of(*reply);
        result.duration = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started_);
        const request_info info = facts_.info();
        for (std::size_t i = owed_; i-- > 0;) {
            try {
                chain_[i]->after_request(info, result);
            } catch (const std::exception& e) {
                log(log_level::error, "an after_request hook raised an exception",
                    {{"method", facts_.method}, {"error", e.what()}});
            } catch (...) {
                log(log_level::error, "an after_request hook raised a non-standard exception",
                    {{"method", facts_.method}});
            }
        }
        next_->finish(std::move(reply));
    }

private:
    std::shared_ptr<outbound_sink> next_;
    const middleware_chain& chain_;  // the dispatcher's; outlives every request
    std::size_t owed_;
    request_facts facts_;
    clock::time_point started_;
};

}  // namespace

std::shared_ptr<outbound_sink> open_request_hooks(const middleware_chain& chain, const session_state& session,
                                                  const jsonrpc::request& req,
                                                  const std::shared_ptr<outbound_sink>& sink) {
    request_facts facts{req.method, session.revision(), session.id(), req.id.to_json().dump(), req.params};
    const request_info info = facts.info();
    std::size_t ran = 0;
    std::optional<request_refusal> refusal;
    for (const auto& m : chain) {
        ++ran;
        try {
            refusal = m->before_request(info);
        } catch (const std::exception& e) {
            log(log_level::error, "a before_request hook raised an exception",
                {{"method", req.method}, {"error", e.what()}});
            refusal = request_refusal{jsonrpc::error_code::internal_error, "Internal error: a server hook failed"};
        } catch (...) {
            log(log_level::error, "a before_request hook raised a non-standard exception", {{"method", req.method}});
            refusal = request_refusal{jsonrpc::error_code::internal_error, "Internal error: a server hook failed"};
        }
        if (refusal) break;
    }
    auto hooked = std::make_shared<hooked_sink>(sink, chain, ran, std::move(facts));
    if (refusal) {
        hooked->finish(
            jsonrpc::make_error(req.id, jsonrpc::error{refusal->code, std::move(refusal->message), std::nullopt}));
        return nullptr;
    }
    return hooked;
}

}  // namespace arcade_mcp::detail
