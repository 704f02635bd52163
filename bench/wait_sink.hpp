// A sink that waits for the dispatcher's reply of one payload (micro-benchmarks).
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>

#include "mcp/outbound_sink.hpp"

namespace bench {

class wait_sink final : public arcade_mcp::detail::outbound_sink {
public:
    void send(arcade_mcp::json) override {}
    void finish(std::optional<arcade_mcp::json> r) override {
        std::lock_guard l(mu_);
        reply_ = std::move(r);
        done_ = true;
        cv_.notify_one();
    }
    std::optional<arcade_mcp::json> wait() {
        std::unique_lock l(mu_);
        cv_.wait(l, [&] { return done_; });
        return std::move(reply_);
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::optional<arcade_mcp::json> reply_;
};

}  // namespace bench
