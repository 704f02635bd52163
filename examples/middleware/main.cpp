// Example: middleware and lifespan hooks. A policy middleware refuses `Bank.Transfer` above a
// limit without running the tool, and counts calls by outcome; an on_start hook opens a shared
// "ledger" (stand-in for a connection pool) that the tools use, a before_stop hook closes it.
// Run: build/release/bin/middleware_example   Check: examples/middleware/check.sh <binary>
#include <arcade_mcp/mcp.hpp>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>

namespace {

struct transfer_args {
    std::string to;
    int amount = 0;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("to", &transfer_args::to, "Recipient").min_length(1),
                                  arcade_mcp::field("amount", &transfer_args::amount, "Amount in cents").minimum(1));
    }
};

/// What the tools share; opened and closed by the lifespan hooks.
struct ledger {
    std::mutex mu;
    long total = 0;
    bool open = false;
};

class transfer_policy final : public arcade_mcp::middleware {
public:
    std::optional<arcade_mcp::tool_error> before_tool_call(const arcade_mcp::tool_call_info& call) override {
        if (call.tool == "Bank.Transfer" && call.arguments.value("amount", 0) > 10000)
            return arcade_mcp::tool_error::context_required("Transfers above 100.00 need approval",
                                                            "Tell the user an approver must confirm this transfer.");
        return std::nullopt;
    }
    void after_tool_call(const arcade_mcp::tool_call_info&, const arcade_mcp::tool_call_result& result) override {
        (result.status == arcade_mcp::tool_call_status::ok ? ok_ : refused_or_failed_)++;
    }
    int ok() const { return ok_; }
    int refused_or_failed() const { return refused_or_failed_; }

private:
    std::atomic<int> ok_{0};
    std::atomic<int> refused_or_failed_{0};
};

}  // namespace

int main(int argc, char** argv) {
    arcade_mcp::server_info info;
    info.name = "bank";
    info.version = "1.0.0";
    info.toolkit = "Bank";
    arcade_mcp::server srv(info);
    auto book = std::make_shared<ledger>();
    srv.add_tool<transfer_args>("transfer", "Transfer money.", [book](const transfer_args& in) {
        std::lock_guard l(book->mu);
        if (!book->open) throw arcade_mcp::tool_exception(arcade_mcp::tool_error::retry("The ledger is not open yet"));
        book->total += in.amount;
        return "sent " + std::to_string(in.amount) + " to " + in.to;
    });
    auto policy = std::make_shared<transfer_policy>();
    srv.use(policy);
    srv.on_start([book] {
        std::lock_guard l(book->mu);
        book->open = true;
        std::cerr << "ledger opened\n";
    });
    srv.before_stop([book, policy] {
        std::lock_guard l(book->mu);
        book->open = false;
        std::cerr << "ledger closed: total " << book->total << ", calls ok " << policy->ok() << ", refused or failed "
                  << policy->refused_or_failed() << "\n";
    });
    return arcade_mcp::run(srv, argc, argv);
}
