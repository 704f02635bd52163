// Dispatcher-level tests of the MCP features beyond tools: capabilities, resources (list, read,
// templates, subscriptions), prompts, completion, list_changed at run time, and requests the
// server sends to the client from a running handler (sampling, elicitation), with their error,
// cancellation and session-end paths.
#include "mcp/dispatcher.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcp/paging.hpp"

namespace arcade_mcp::detail {
namespace {

using namespace std::chrono_literals;

/// Records what the dispatcher sends for one payload (or what a session's notifier gets).
/// Waits are bounded.
class capture_sink final : public outbound_sink {
public:
    void send(json m) override {
        {
            std::lock_guard l(mu_);
            sent_.push_back(std::move(m));
        }
        cv_.notify_all();
    }
    void finish(std::optional<json> r) override {
        {
            std::lock_guard l(mu_);
            reply_ = std::move(r);
            ++finishes_;
        }
        cv_.notify_all();
    }
    bool wait_finished(std::chrono::milliseconds limit = 10s) {
        std::unique_lock l(mu_);
        return cv_.wait_for(l, limit, [&] { return finishes_ > 0; });
    }
    /// Waits until `n` messages were sent.
    bool wait_sent(std::size_t n, std::chrono::milliseconds limit = 10s) {
        std::unique_lock l(mu_);
        return cv_.wait_for(l, limit, [&] { return sent_.size() >= n; });
    }
    std::vector<json> sent() const {
        std::lock_guard l(mu_);
        return sent_;
    }
    std::optional<json> reply() const {
        std::lock_guard l(mu_);
        return reply_;
    }
    int finishes() const {
        std::lock_guard l(mu_);
        return finishes_;
    }
    void clear() {
        std::lock_guard l(mu_);
        sent_.clear();
    }

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<json> sent_;
    std::optional<json> reply_;
    int finishes_ = 0;
};

json rpc(int id, const std::string& method, json params = json::object()) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json call_tool(int id, const std::string& tool, json args = json::object()) {
    return rpc(id, "tools/call", json{{"name", tool}, {"arguments", std::move(args)}});
}

std::vector<std::string> methods_of(const std::vector<json>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.value("method", std::string("<no method>")));
    return out;
}

resource_info info_of(std::string uri, std::string name) {
    resource_info info;
    info.uri = std::move(uri);
    info.name = std::move(name);
    return info;
}

resource_reader text_reader(std::string body) {
    return [body](tool_context&, const std::string& uri) -> result<std::vector<resource_contents>> {
        return std::vector{resource_contents::text_of(uri, body, "text/plain")};
    };
}

/// A template whose reader answers with its variables as JSON text.
resource_template_spec echo_template(std::string uri_template, std::string name) {
    resource_template_spec t;
    t.info = info_of(std::move(uri_template), std::move(name));
    t.read = [](tool_context&, const std::string& uri, const std::map<std::string, std::string>& vars) -> result<std::vector<resource_contents>> {
        return std::vector{resource_contents::text_of(uri, json(vars).dump(), "application/json")};
    };
    return t;
}

struct review_args {
    std::string code;
    std::optional<std::string> focus;
    static auto describe() {
        return fields(field("code", &review_args::code, "Code to review"), field("focus", &review_args::focus, "What to look at"));
    }
};

struct language_args {
    std::string language;
    std::optional<std::string> style;
    static auto describe() {
        return fields(field("language", &language_args::language, "Programming language"), field("style", &language_args::style, "Style"));
    }
};

server_info test_info(std::size_t page_size = 100) {
    server_info info;
    info.name = "features";
    info.version = "1.0.0";
    info.page_size = page_size;
    return info;
}

void add_plain_prompt(server& srv) {
    srv.add_prompt<no_arguments>("p", "A prompt", [](tool_context&, const no_arguments&) {
        return prompt_result{{}, {prompt_message::user(content_block::text("p"))}};
    });
}

/// A server, a pool and a dispatcher. The pool is drained before the dispatcher goes away.
class FeaturesTest : public ::testing::Test {
protected:
    FeaturesTest() { reset(test_info()); }
    ~FeaturesTest() override { stop(); }

    void reset(server_info info) {
        stop();
        srv_ = std::make_unique<server>(std::move(info));
        pool_ = std::make_unique<worker_pool>(2);
        core_ = std::make_unique<dispatcher>(*srv_, *pool_, dispatcher_options::with_user("tester"));
    }
    void stop() {
        if (pool_) pool_->shutdown();
        core_.reset();
        pool_.reset();
        srv_.reset();
    }

    server& srv() { return *srv_; }
    dispatcher& core() { return *core_; }

    /// A session after initialize (with `capabilities`) and notifications/initialized.
    std::shared_ptr<session_state> open(json capabilities = json::object(), std::string revision = "2025-11-25") {
        auto s = std::make_shared<session_state>("session-" + std::to_string(++sessions_), "fallback");
        init_result = request(s, rpc(0, "initialize", json{{"protocolVersion", revision}, {"capabilities", std::move(capabilities)},
                                                            {"clientInfo", {{"name", "t"}, {"version", "0"}}}}))
                          .value("result", json());
        auto note = std::make_shared<capture_sink>();
        core().handle(s, json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, note);
        EXPECT_TRUE(note->wait_finished());
        return s;
    }

    /// Handles `payload` and returns the reply (null when there was none or it timed out).
    json request(const std::shared_ptr<session_state>& s, const json& payload, std::vector<json>* sent = nullptr) {
        auto sink = std::make_shared<capture_sink>();
        core().handle(s, payload, sink);
        if (!sink->wait_finished()) {
            ADD_FAILURE() << "no reply within 10 s to " << payload.dump();
            return nullptr;
        }
        EXPECT_EQ(sink->finishes(), 1);
        if (sent) *sent = sink->sent();
        return sink->reply().value_or(json());
    }

    json result_of(const std::shared_ptr<session_state>& s, const json& payload) {
        const json r = request(s, payload);
        EXPECT_TRUE(r.contains("result")) << r.dump();
        return r.value("result", json());
    }

    json error_of(const std::shared_ptr<session_state>& s, const json& payload) {
        const json r = request(s, payload);
        EXPECT_TRUE(r.contains("error")) << r.dump();
        return r.value("error", json());
    }

    /// A session with a capturing notifier (list_changed, resources/updated).
    std::pair<std::shared_ptr<session_state>, std::shared_ptr<capture_sink>> open_with_notifier(json capabilities = json::object()) {
        auto s = open(std::move(capabilities));
        auto n = std::make_shared<capture_sink>();
        s->set_notifier(n);
        return {s, n};
    }

    json init_result;

private:
    std::unique_ptr<server> srv_;
    std::unique_ptr<worker_pool> pool_;
    std::unique_ptr<dispatcher> core_;
    int sessions_ = 0;
};

// ---------------------------------------------------------------------------------------------
// initialize: capabilities follow what is registered

TEST_F(FeaturesTest, ToolsOnlyServerAdvertisesToolsAndLogging) {
    srv().add_tool<no_arguments>("noop", "Does nothing.", [](const no_arguments&) { return true; });
    open();
    EXPECT_EQ(init_result["capabilities"], json::parse(R"({"tools":{"listChanged":true},"logging":{}})"));
}

TEST_F(FeaturesTest, EmptyServerStillAdvertisesToolsListChanged) {
    open();
    EXPECT_EQ(init_result["capabilities"], json::parse(R"({"tools":{"listChanged":true},"logging":{}})"));
}

TEST_F(FeaturesTest, ResourceAdvertisesResourcesAndCompletions) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    open();
    EXPECT_EQ(init_result["capabilities"],
              json::parse(R"({"tools":{"listChanged":true},"logging":{},"resources":{"subscribe":true,"listChanged":true},"completions":{}})"));
}

TEST_F(FeaturesTest, TemplateAloneAdvertisesResources) {
    srv().add_resource_template(echo_template("x://{id}", "family"));
    open();
    EXPECT_EQ(init_result["capabilities"]["resources"], json::parse(R"({"subscribe":true,"listChanged":true})"));
    EXPECT_TRUE(init_result["capabilities"].contains("completions"));
    EXPECT_FALSE(init_result["capabilities"].contains("prompts"));
}

TEST_F(FeaturesTest, PromptAdvertisesPromptsAndCompletions) {
    srv().add_prompt<review_args>("review", "Review code", [](tool_context&, const review_args&) { return prompt_result{}; });
    open();
    EXPECT_EQ(init_result["capabilities"],
              json::parse(R"({"tools":{"listChanged":true},"logging":{},"prompts":{"listChanged":true},"completions":{}})"));
}

// ---------------------------------------------------------------------------------------------
// resources/list and resources/templates/list

TEST_F(FeaturesTest, ResourcesListShowsEveryFieldForTheRevision) {
    resource_info info = info_of("file:///notes.txt", "notes");
    info.title = "Notes";
    info.description = "My notes";
    info.mime_type = "text/plain";
    info.size = 1234;
    annotations a;
    a.audience = {"user"};
    a.priority = 0.5;
    a.last_modified = "2025-01-12T15:00:58Z";
    info.notes = a;
    srv().add_resource(info, text_reader("n"));

    auto modern = open();
    EXPECT_EQ(result_of(modern, rpc(1, "resources/list")), json::parse(R"({"resources":[{"uri":"file:///notes.txt","name":"notes",
        "title":"Notes","description":"My notes","mimeType":"text/plain","size":1234,
        "annotations":{"audience":["user"],"priority":0.5,"lastModified":"2025-01-12T15:00:58Z"}}]})"));

    auto old = open(json::object(), "2025-03-26");
    EXPECT_EQ(result_of(old, rpc(1, "resources/list")), json::parse(R"({"resources":[{"uri":"file:///notes.txt","name":"notes",
        "description":"My notes","mimeType":"text/plain","size":1234,"annotations":{"audience":["user"],"priority":0.5}}]})"))
        << "no title and no lastModified before 2025-06-18";
}

TEST_F(FeaturesTest, ResourcesListIsEmptyWithoutResources) {
    auto s = open();
    EXPECT_EQ(result_of(s, rpc(1, "resources/list")), json::parse(R"({"resources":[]})"));
    EXPECT_EQ(result_of(s, rpc(2, "resources/templates/list")), json::parse(R"({"resourceTemplates":[]})"));
    EXPECT_EQ(result_of(s, rpc(3, "prompts/list")), json::parse(R"({"prompts":[]})"));
}

TEST_F(FeaturesTest, ResourcesListPagesWithNextCursor) {
    reset(test_info(1));
    for (const char* name : {"a", "b", "c"}) srv().add_resource(info_of(std::string("x://") + name, name), text_reader(name));
    auto s = open();
    std::vector<std::string> names;
    json params = json::object();
    for (int page = 0; page < 10; ++page) {
        const json r = result_of(s, rpc(10 + page, "resources/list", params));
        ASSERT_EQ(r["resources"].size(), 1u) << r.dump();
        names.push_back(r["resources"][0]["name"]);
        if (!r.contains("nextCursor")) break;
        ASSERT_TRUE(r["nextCursor"].is_string());
        params = json{{"cursor", r["nextCursor"]}};
    }
    EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));

    for (const json& bad : {json("garbage"), json(encode_cursor("tools", 1)), json(encode_cursor("resources", 3)), json(7)}) {
        const json e = error_of(s, rpc(30, "resources/list", json{{"cursor", bad}}));
        EXPECT_EQ(e["code"], jsonrpc::error_code::invalid_params) << bad.dump();
        EXPECT_EQ(e["message"], "Invalid params: invalid cursor");
    }
}

TEST_F(FeaturesTest, TemplatesListShowsTemplatesWithoutSizeAndPages) {
    reset(test_info(1));
    resource_template_spec files = echo_template("file:///{+path}", "files");
    files.info.title = "Files";
    files.info.description = "Any file";
    files.info.mime_type = "text/plain";
    files.info.size = 99;  // meaningless for a family: not shown
    srv().add_resource_template(files);
    srv().add_resource_template(echo_template("users://{id}/profile", "profiles"));
    auto s = open();
    const json first = result_of(s, rpc(1, "resources/templates/list"));
    EXPECT_EQ(first["resourceTemplates"], json::parse(R"([{"uriTemplate":"file:///{+path}","name":"files","title":"Files",
        "description":"Any file","mimeType":"text/plain"}])"));
    ASSERT_TRUE(first.contains("nextCursor"));
    const json second = result_of(s, rpc(2, "resources/templates/list", json{{"cursor", first["nextCursor"]}}));
    EXPECT_EQ(second, json::parse(R"({"resourceTemplates":[{"uriTemplate":"users://{id}/profile","name":"profiles"}]})"));
    // A templates cursor is not a resources cursor.
    EXPECT_EQ(error_of(s, rpc(3, "resources/list", json{{"cursor", first["nextCursor"]}}))["code"], jsonrpc::error_code::invalid_params);
    EXPECT_TRUE(result_of(s, rpc(4, "resources/list"))["resources"].empty()) << "templates are not listed as resources";
}

// ---------------------------------------------------------------------------------------------
// resources/read

TEST_F(FeaturesTest, ReadFixedTextAndBlobResources) {
    srv().add_resource(info_of("x://text", "text"), text_reader("hello"));
    srv().add_resource(info_of("x://bin", "bin"), [](tool_context&, const std::string& uri) -> result<std::vector<resource_contents>> {
        return std::vector{resource_contents::blob_of(uri, "AAEC", "application/octet-stream"),
                           resource_contents::text_of(uri + "#meta", "second item")};
    });
    auto s = open();
    EXPECT_EQ(result_of(s, rpc(1, "resources/read", json{{"uri", "x://text"}})),
              json::parse(R"({"contents":[{"uri":"x://text","mimeType":"text/plain","text":"hello"}]})"));
    EXPECT_EQ(result_of(s, rpc(2, "resources/read", json{{"uri", "x://bin"}})),
              json::parse(R"({"contents":[{"uri":"x://bin","mimeType":"application/octet-stream","blob":"AAEC"},
                                           {"uri":"x://bin#meta","text":"second item"}]})"));
}

TEST_F(FeaturesTest, ReaderRunsWithARequestContext) {
    srv().add_resource(info_of("x://ctx", "ctx"), [](tool_context& ctx, const std::string& uri) -> result<std::vector<resource_contents>> {
        ctx.log(mcp_log_level::warning, "reading " + uri);
        return std::vector{resource_contents::text_of(uri, std::string(ctx.user_id()) + " " + std::string(ctx.protocol_version()))};
    });
    auto s = open(json::object(), "2025-06-18");
    std::vector<json> sent;
    const json r = request(s, rpc(1, "resources/read", json{{"uri", "x://ctx"}}), &sent);
    EXPECT_EQ(r["result"]["contents"][0]["text"], "tester 2025-06-18");
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0]["method"], "notifications/message");
    EXPECT_EQ(sent[0]["params"]["data"], "reading x://ctx");
}

TEST_F(FeaturesTest, ReadTemplatePassesDecodedVariables) {
    srv().add_resource_template(echo_template("users://{id}/posts/{post}", "posts"));
    srv().add_resource_template(echo_template("file:///{+path}", "files"));
    auto s = open();
    const json r = result_of(s, rpc(1, "resources/read", json{{"uri", "users://a%20b/posts/7"}}));
    ASSERT_EQ(r["contents"].size(), 1u);
    EXPECT_EQ(r["contents"][0]["uri"], "users://a%20b/posts/7") << "the requested URI, not the decoded one";
    EXPECT_EQ(json::parse(r["contents"][0]["text"].get<std::string>()), json::parse(R"({"id":"a b","post":"7"})"));
    const json f = result_of(s, rpc(2, "resources/read", json{{"uri", "file:///etc/hosts"}}));
    EXPECT_EQ(json::parse(f["contents"][0]["text"].get<std::string>()), json::parse(R"({"path":"etc/hosts"})"));
}

TEST_F(FeaturesTest, FixedResourceWinsOverTemplateAndFirstTemplateWins) {
    srv().add_resource_template(echo_template("x://{name}", "first"));
    srv().add_resource_template(echo_template("x://{other}", "second"));
    srv().add_resource(info_of("x://fixed", "fixed"), text_reader("fixed body"));
    auto s = open();
    EXPECT_EQ(result_of(s, rpc(1, "resources/read", json{{"uri", "x://fixed"}}))["contents"][0]["text"], "fixed body");
    const json r = result_of(s, rpc(2, "resources/read", json{{"uri", "x://other"}}));
    EXPECT_EQ(json::parse(r["contents"][0]["text"].get<std::string>()), json::parse(R"({"name":"other"})"));
}

TEST_F(FeaturesTest, ReadUnknownUriIsResourceNotFoundWithTheUri) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    srv().add_resource_template(echo_template("users://{id}/profile", "profiles"));
    auto s = open();
    for (const char* uri : {"x://b", "x://a/", "users://1/profile/more", "users:///profile"}) {
        const json e = error_of(s, rpc(1, "resources/read", json{{"uri", uri}}));
        EXPECT_EQ(e["code"], -32002) << uri;
        EXPECT_EQ(e["data"], json({{"uri", uri}}));
        EXPECT_EQ(e["message"], std::string("Resource not found: ") + uri);
    }
}

TEST_F(FeaturesTest, ReaderNotFoundIsResourceNotFound) {
    srv().add_resource_template([] {
        resource_template_spec t = echo_template("db://{key}", "db");
        t.read = [](tool_context&, const std::string& uri, const std::map<std::string, std::string>& vars) -> result<std::vector<resource_contents>> {
            if (vars.at("key") != "present") return resource_not_found(uri);
            return std::vector{resource_contents::text_of(uri, "here")};
        };
        return t;
    }());
    auto s = open();
    EXPECT_EQ(result_of(s, rpc(1, "resources/read", json{{"uri", "db://present"}}))["contents"][0]["text"], "here");
    const json e = error_of(s, rpc(2, "resources/read", json{{"uri", "db://absent"}}));
    EXPECT_EQ(e["code"], -32002);
    EXPECT_EQ(e["data"], json({{"uri", "db://absent"}}));
}

TEST_F(FeaturesTest, ReaderToolErrorIsInternalError) {
    srv().add_resource(info_of("x://broken", "broken"), [](tool_context&, const std::string&) -> result<std::vector<resource_contents>> {
        return tool_error::fatal("disk on fire");
    });
    srv().add_resource(info_of("x://upstream", "upstream"), [](tool_context&, const std::string&) -> result<std::vector<resource_contents>> {
        return tool_error::upstream(503, "backend down");
    });
    auto s = open();
    const json e = error_of(s, rpc(1, "resources/read", json{{"uri", "x://broken"}}));
    EXPECT_EQ(e["code"], jsonrpc::error_code::internal_error);
    EXPECT_EQ(e["message"], "disk on fire");
    EXPECT_EQ(e["data"], json({{"uri", "x://broken"}}));
    EXPECT_EQ(error_of(s, rpc(2, "resources/read", json{{"uri", "x://upstream"}}))["code"], jsonrpc::error_code::internal_error);
}

TEST_F(FeaturesTest, ReaderExceptionIsInternalErrorWithoutDetails) {
    srv().add_resource(info_of("x://throws", "throws"), [](tool_context&, const std::string&) -> result<std::vector<resource_contents>> {
        throw std::runtime_error("secret internal detail");
    });
    auto s = open();
    const json e = error_of(s, rpc(1, "resources/read", json{{"uri", "x://throws"}}));
    EXPECT_EQ(e["code"], jsonrpc::error_code::internal_error);
    EXPECT_EQ(e["message"].get<std::string>().find("secret"), std::string::npos);
    // The session still works.
    EXPECT_EQ(result_of(s, rpc(2, "ping")), json::object());
}

TEST_F(FeaturesTest, ReadNeedsANonEmptyStringUri) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    auto s = open();
    for (const json& params : {json::object(), json{{"uri", ""}}, json{{"uri", 5}}, json{{"uri", nullptr}}}) {
        const json e = error_of(s, rpc(1, "resources/read", params));
        EXPECT_EQ(e["code"], jsonrpc::error_code::invalid_params) << params.dump();
    }
}

TEST_F(FeaturesTest, ResourceMethodsNeedInitialize) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    auto s = std::make_shared<session_state>("raw", "fallback");
    for (const char* method : {"resources/list", "resources/read", "prompts/list", "completion/complete"})
        EXPECT_EQ(error_of(s, rpc(1, method, json{{"uri", "x://a"}}))["code"], jsonrpc::error_code::invalid_request) << method;
}

TEST_F(FeaturesTest, PoolMethodsInABatchAreCollected) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    add_plain_prompt(srv());
    auto s = open(json::object(), "2025-03-26");
    const json batch = json::array({rpc(1, "resources/read", json{{"uri", "x://a"}}), rpc(2, "prompts/get", json{{"name", "p"}}),
                                    rpc(3, "resources/read", json{{"uri", "x://missing"}}),
                                    json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, rpc(4, "ping")});
    const json replies = request(s, batch);
    ASSERT_TRUE(replies.is_array()) << replies.dump();
    ASSERT_EQ(replies.size(), 4u) << "one reply per request, none for the notification";
    std::map<int, json> by_id;
    for (const auto& r : replies) by_id[r["id"].get<int>()] = r;
    EXPECT_EQ(by_id[1]["result"]["contents"][0]["text"], "A");
    EXPECT_EQ(by_id[2]["result"]["messages"][0]["content"]["text"], "p");
    EXPECT_EQ(by_id[3]["error"]["code"], -32002);
    EXPECT_EQ(by_id[4]["result"], json::object());
}

// ---------------------------------------------------------------------------------------------
// resources/subscribe, resources/unsubscribe and notifications/resources/updated

TEST_F(FeaturesTest, UpdatesReachOnlySubscribedSessions) {
    srv().add_resource(info_of("x://watched", "watched"), text_reader("w"));
    srv().add_resource(info_of("x://other", "other"), text_reader("o"));
    auto [a, a_notes] = open_with_notifier();
    auto [b, b_notes] = open_with_notifier();
    EXPECT_EQ(result_of(a, rpc(1, "resources/subscribe", json{{"uri", "x://watched"}})), json::object());
    EXPECT_EQ(result_of(b, rpc(1, "resources/subscribe", json{{"uri", "x://other"}})), json::object());

    srv().notify_resource_updated("x://watched");
    const auto got = a_notes->sent();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], json::parse(R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"x://watched"}})"));
    EXPECT_TRUE(b_notes->sent().empty());

    srv().notify_resource_updated("x://other");
    EXPECT_EQ(a_notes->sent().size(), 1u);
    ASSERT_EQ(b_notes->sent().size(), 1u);
    EXPECT_EQ(b_notes->sent()[0]["params"]["uri"], "x://other");

    srv().notify_resource_updated("x://nobody");
    EXPECT_EQ(a_notes->sent().size(), 1u);
    EXPECT_EQ(b_notes->sent().size(), 1u);
}

TEST_F(FeaturesTest, UnsubscribeStopsUpdates) {
    srv().add_resource(info_of("x://watched", "watched"), text_reader("w"));
    auto [a, notes] = open_with_notifier();
    result_of(a, rpc(1, "resources/subscribe", json{{"uri", "x://watched"}}));
    result_of(a, rpc(2, "resources/subscribe", json{{"uri", "x://watched"}}));  // twice is once
    srv().notify_resource_updated("x://watched");
    EXPECT_EQ(notes->sent().size(), 1u);
    EXPECT_EQ(result_of(a, rpc(3, "resources/unsubscribe", json{{"uri", "x://watched"}})), json::object());
    srv().notify_resource_updated("x://watched");
    EXPECT_EQ(notes->sent().size(), 1u);
    // Unsubscribing from something never subscribed is fine.
    EXPECT_EQ(result_of(a, rpc(4, "resources/unsubscribe", json{{"uri", "x://never"}})), json::object());
}

TEST_F(FeaturesTest, TemplateUrisCanBeSubscribed) {
    srv().add_resource_template(echo_template("users://{id}", "users"));
    auto [a, notes] = open_with_notifier();
    result_of(a, rpc(1, "resources/subscribe", json{{"uri", "users://42"}}));
    srv().notify_resource_updated("users://42");
    srv().notify_resource_updated("users://43");
    ASSERT_EQ(notes->sent().size(), 1u);
    EXPECT_EQ(notes->sent()[0]["params"]["uri"], "users://42");
}

TEST_F(FeaturesTest, ClosedSessionGetsNoUpdates) {
    srv().add_resource(info_of("x://watched", "watched"), text_reader("w"));
    auto [a, notes] = open_with_notifier();
    result_of(a, rpc(1, "resources/subscribe", json{{"uri", "x://watched"}}));
    a->close();
    srv().notify_resource_updated("x://watched");
    EXPECT_TRUE(notes->sent().empty());
}

TEST_F(FeaturesTest, SubscribeWithoutResourcesIsMethodNotFound) {
    auto s = open();
    EXPECT_EQ(error_of(s, rpc(1, "resources/subscribe", json{{"uri", "x://a"}}))["code"], jsonrpc::error_code::method_not_found);
    EXPECT_EQ(error_of(s, rpc(2, "resources/unsubscribe", json{{"uri", "x://a"}}))["code"], jsonrpc::error_code::method_not_found);
}

TEST_F(FeaturesTest, SubscribeNeedsAUri) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    auto s = open();
    EXPECT_EQ(error_of(s, rpc(1, "resources/subscribe"))["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(error_of(s, rpc(2, "resources/subscribe", json{{"uri", ""}}))["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(error_of(s, rpc(3, "resources/unsubscribe", json{{"uri", 1}}))["code"], jsonrpc::error_code::invalid_params);
}

// ---------------------------------------------------------------------------------------------
// list_changed when the server changes while serving

TEST_F(FeaturesTest, AddingAndRemovingAToolNotifiesAndChangesToolsList) {
    srv().add_tool<no_arguments>("first", "The first tool.", [](const no_arguments&) { return std::string("1"); });
    auto [a, a_notes] = open_with_notifier();
    auto [b, b_notes] = open_with_notifier();
    auto fresh = std::make_shared<session_state>("not-initialized", "fallback");
    auto fresh_notes = std::make_shared<capture_sink>();
    fresh->set_notifier(fresh_notes);

    srv().add_tool<no_arguments>("late", "Added while serving.", [](const no_arguments&) { return std::string("late result"); });
    const json changed = json::parse(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{}})");
    EXPECT_EQ(a_notes->sent(), std::vector<json>{changed});
    EXPECT_EQ(b_notes->sent(), std::vector<json>{changed});
    EXPECT_TRUE(fresh_notes->sent().empty()) << "a session that did not initialize hears nothing";

    json tools = result_of(a, rpc(1, "tools/list"))["tools"];
    ASSERT_EQ(tools.size(), 2u);
    EXPECT_EQ(tools[1]["name"], "late");
    EXPECT_EQ(result_of(a, call_tool(2, "late"))["structuredContent"]["result"], "late result");

    EXPECT_TRUE(srv().remove_tool("late"));
    EXPECT_EQ(a_notes->sent().size(), 2u);
    EXPECT_EQ(a_notes->sent().back(), changed);
    tools = result_of(b, rpc(3, "tools/list"))["tools"];
    ASSERT_EQ(tools.size(), 1u);
    EXPECT_EQ(tools[0]["name"], "first");
    const json e = error_of(a, call_tool(4, "late"));
    EXPECT_EQ(e["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(e["message"], "Unknown tool: late");

    EXPECT_FALSE(srv().remove_tool("late"));
    EXPECT_EQ(a_notes->sent().size(), 2u) << "removing nothing changes nothing";
}

TEST_F(FeaturesTest, ListChangesReachOnlySessionsTheCapabilityWasDeclaredTo) {
    auto [a, notes] = open_with_notifier();  // initialized while the server had no resources or prompts
    srv().add_resource(info_of("x://new", "new"), text_reader("N"));
    srv().add_prompt<no_arguments>("hello", "Say hello", [](tool_context&, const no_arguments&) {
        return prompt_result{{}, {prompt_message::user(content_block::text("hello"))}};
    });
    EXPECT_TRUE(notes->sent().empty());
    auto [b, b_notes] = open_with_notifier();  // now both are declared to it
    EXPECT_TRUE(init_result["capabilities"].contains("resources"));
    srv().remove_prompt("hello");
    EXPECT_EQ(methods_of(b_notes->sent()), std::vector<std::string>{"notifications/prompts/list_changed"});
    EXPECT_TRUE(notes->sent().empty());
}

TEST_F(FeaturesTest, ResourceChangesNotifyResourcesListChanged) {
    server_info info = test_info();
    info.advertise_resources = true;
    reset(info);
    auto [a, notes] = open_with_notifier();
    const json changed = json::parse(R"({"jsonrpc":"2.0","method":"notifications/resources/list_changed","params":{}})");
    srv().add_resource(info_of("x://new", "new"), text_reader("N"));
    EXPECT_EQ(notes->sent(), std::vector<json>{changed});
    EXPECT_EQ(result_of(a, rpc(1, "resources/list"))["resources"].size(), 1u);
    EXPECT_EQ(result_of(a, rpc(2, "resources/read", json{{"uri", "x://new"}}))["contents"][0]["text"], "N");

    srv().add_resource_template(echo_template("y://{id}", "ys"));
    EXPECT_EQ(notes->sent().size(), 2u);
    EXPECT_EQ(result_of(a, rpc(3, "resources/templates/list"))["resourceTemplates"].size(), 1u);

    EXPECT_TRUE(srv().remove_resource("y://{id}"));
    EXPECT_TRUE(srv().remove_resource("x://new"));
    EXPECT_FALSE(srv().remove_resource("x://new"));
    EXPECT_EQ(notes->sent(), (std::vector<json>{changed, changed, changed, changed}));
    EXPECT_TRUE(result_of(a, rpc(4, "resources/list"))["resources"].empty());
    EXPECT_EQ(error_of(a, rpc(5, "resources/read", json{{"uri", "y://1"}}))["code"], -32002);
}

TEST_F(FeaturesTest, PromptChangesNotifyPromptsListChanged) {
    server_info info = test_info();
    info.advertise_prompts = true;
    reset(info);
    auto [a, notes] = open_with_notifier();
    const json changed = json::parse(R"({"jsonrpc":"2.0","method":"notifications/prompts/list_changed","params":{}})");
    srv().add_prompt<no_arguments>("hello", "Say hello", [](tool_context&, const no_arguments&) {
        return prompt_result{{}, {prompt_message::user(content_block::text("hello"))}};
    });
    EXPECT_EQ(notes->sent(), std::vector<json>{changed});
    EXPECT_EQ(result_of(a, rpc(1, "prompts/list"))["prompts"][0]["name"], "hello");
    EXPECT_TRUE(srv().remove_prompt("hello"));
    EXPECT_FALSE(srv().remove_prompt("hello"));
    EXPECT_EQ(notes->sent(), (std::vector<json>{changed, changed}));
    EXPECT_TRUE(result_of(a, rpc(2, "prompts/list"))["prompts"].empty());
    EXPECT_EQ(error_of(a, rpc(3, "prompts/get", json{{"name", "hello"}}))["code"], jsonrpc::error_code::invalid_params);
}

TEST_F(FeaturesTest, ClosedAndDroppedSessionsHearNoListChanges) {
    auto [closed, closed_notes] = open_with_notifier();
    closed->close();
    auto dropped_notes = std::make_shared<capture_sink>();
    {
        auto dropped = open();
        dropped->set_notifier(dropped_notes);
    }  // the last reference goes away
    auto [live, live_notes] = open_with_notifier();
    srv().add_tool<no_arguments>("late", "Added while serving.", [](const no_arguments&) { return true; });
    EXPECT_TRUE(closed_notes->sent().empty());
    EXPECT_TRUE(dropped_notes->sent().empty());
    EXPECT_EQ(methods_of(live_notes->sent()), std::vector<std::string>{"notifications/tools/list_changed"});
}

TEST_F(FeaturesTest, StatelessSessionsAreNotBroadcastTo) {
    auto s = std::make_shared<session_state>("stateless", "fallback");
    s->set_stateless();
    auto notes = std::make_shared<capture_sink>();
    s->set_notifier(notes);
    request(s, rpc(0, "initialize", json{{"protocolVersion", "2025-11-25"}, {"capabilities", json::object()},
                                         {"clientInfo", {{"name", "t"}, {"version", "0"}}}}));
    srv().add_tool<no_arguments>("late", "Added while serving.", [](const no_arguments&) { return true; });
    EXPECT_TRUE(notes->sent().empty());
}

// ---------------------------------------------------------------------------------------------
// prompts/list and prompts/get

void add_review_prompt(server& srv) {
    srv.add_prompt<review_args>("review", "Review a piece of code", [](tool_context&, const review_args& a) -> result<prompt_result> {
           if (a.code == "fail") return tool_error::execution("cannot review that");
           prompt_result r;
           r.description = "Review of " + std::to_string(a.code.size()) + " characters";
           r.messages.push_back(prompt_message::user(content_block::text("Review:\n" + a.code + (a.focus ? "\nFocus: " + *a.focus : std::string()))));
           r.messages.push_back(prompt_message::assistant(content_block::embedded(resource_contents::text_of("x://style", "style guide"))));
           return r;
       })
        .with_title("Code review");
}

TEST_F(FeaturesTest, PromptsListShowsArgumentsAndTitleForTheRevision) {
    add_review_prompt(srv());
    srv().add_prompt<no_arguments>("plain", "No arguments", [](tool_context&, const no_arguments&) { return prompt_result{}; });
    auto modern = open();
    EXPECT_EQ(result_of(modern, rpc(1, "prompts/list")), json::parse(R"({"prompts":[
        {"name":"review","title":"Code review","description":"Review a piece of code","arguments":[
            {"name":"code","description":"Code to review","required":true},
            {"name":"focus","description":"What to look at","required":false}]},
        {"name":"plain","description":"No arguments"}]})"));
    auto old = open(json::object(), "2025-03-26");
    EXPECT_FALSE(result_of(old, rpc(1, "prompts/list"))["prompts"][0].contains("title"));
}

TEST_F(FeaturesTest, PromptsListPages) {
    reset(test_info(1));
    add_review_prompt(srv());
    srv().add_prompt<no_arguments>("plain", "No arguments", [](tool_context&, const no_arguments&) { return prompt_result{}; });
    auto s = open();
    const json first = result_of(s, rpc(1, "prompts/list"));
    ASSERT_EQ(first["prompts"].size(), 1u);
    EXPECT_EQ(first["prompts"][0]["name"], "review");
    const json second = result_of(s, rpc(2, "prompts/list", json{{"cursor", first["nextCursor"]}}));
    EXPECT_EQ(second["prompts"][0]["name"], "plain");
    EXPECT_FALSE(second.contains("nextCursor"));
    EXPECT_EQ(error_of(s, rpc(3, "prompts/list", json{{"cursor", "nope"}}))["code"], jsonrpc::error_code::invalid_params);
}

TEST_F(FeaturesTest, PromptsGetFillsTypedArguments) {
    add_review_prompt(srv());
    auto s = open();
    EXPECT_EQ(result_of(s, rpc(1, "prompts/get", json{{"name", "review"}, {"arguments", {{"code", "int x;"}, {"focus", "naming"}}}})),
              json::parse(R"({"description":"Review of 6 characters","messages":[
                  {"role":"user","content":{"type":"text","text":"Review:\nint x;\nFocus: naming"}},
                  {"role":"assistant","content":{"type":"resource","resource":{"uri":"x://style","text":"style guide"}}}]})"));
    const json no_focus = result_of(s, rpc(2, "prompts/get", json{{"name", "review"}, {"arguments", {{"code", "y"}}}}));
    EXPECT_EQ(no_focus["messages"][0]["content"]["text"], "Review:\ny");
}

TEST_F(FeaturesTest, PromptsGetWithoutArgumentsWhenNoneAreRequired) {
    srv().add_prompt<no_arguments>("plain", "No arguments", [](tool_context&, const no_arguments&) {
        return prompt_result{{}, {prompt_message::user(content_block::image("AA==", "image/png"))}};
    });
    auto s = open();
    for (const json& params : {json{{"name", "plain"}}, json{{"name", "plain"}, {"arguments", nullptr}}, json{{"name", "plain"}, {"arguments", json::object()}}})
        EXPECT_EQ(result_of(s, rpc(1, "prompts/get", params)),
                  json::parse(R"({"messages":[{"role":"user","content":{"type":"image","data":"AA==","mimeType":"image/png"}}]})"))
            << params.dump();
}

TEST_F(FeaturesTest, PromptsGetMissingRequiredArgumentIsInvalidParams) {
    add_review_prompt(srv());
    auto s = open();
    for (const json& args : {json::object(), json{{"focus", "naming"}}}) {
        const json e = error_of(s, rpc(1, "prompts/get", json{{"name", "review"}, {"arguments", args}}));
        EXPECT_EQ(e["code"], jsonrpc::error_code::invalid_params) << args.dump();
        EXPECT_NE(e["message"].get<std::string>().find("code"), std::string::npos) << e.dump();
    }
}

TEST_F(FeaturesTest, PromptsGetUnknownPromptIsInvalidParams) {
    add_review_prompt(srv());
    auto s = open();
    const json e = error_of(s, rpc(1, "prompts/get", json{{"name", "nope"}}));
    EXPECT_EQ(e["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(e["message"], "Unknown prompt: nope");
    EXPECT_EQ(error_of(s, rpc(2, "prompts/get", json::object()))["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(error_of(s, rpc(3, "prompts/get", json{{"name", 1}}))["code"], jsonrpc::error_code::invalid_params);
}

TEST_F(FeaturesTest, PromptsGetNonStringArgumentsAreInvalidParams) {
    add_review_prompt(srv());
    auto s = open();
    for (const json& args : {json{{"code", 5}}, json{{"code", "x"}, {"focus", nullptr}}, json{{"code", json::array()}}, json("code"),
                             json::array({"code"})}) {
        const json e = error_of(s, rpc(1, "prompts/get", json{{"name", "review"}, {"arguments", args}}));
        EXPECT_EQ(e["code"], jsonrpc::error_code::invalid_params) << args.dump();
    }
}

TEST_F(FeaturesTest, PromptsGetUnknownArgumentIsInvalidParams) {
    add_review_prompt(srv());
    auto s = open();
    const json e = error_of(s, rpc(1, "prompts/get", json{{"name", "review"}, {"arguments", {{"code", "x"}, {"extra", "y"}}}}));
    EXPECT_EQ(e["code"], jsonrpc::error_code::invalid_params);
    EXPECT_NE(e["message"].get<std::string>().find("extra"), std::string::npos) << e.dump();
}

TEST_F(FeaturesTest, PromptHandlerErrorIsInternalError) {
    add_review_prompt(srv());
    srv().add_prompt<no_arguments>("throws", "Throws", [](tool_context&, const no_arguments&) -> prompt_result {
        throw std::runtime_error("secret internal detail");
    });
    auto s = open();
    const json e = error_of(s, rpc(1, "prompts/get", json{{"name", "review"}, {"arguments", {{"code", "fail"}}}}));
    EXPECT_EQ(e["code"], jsonrpc::error_code::internal_error);
    EXPECT_EQ(e["message"], "cannot review that");
    const json t = error_of(s, rpc(2, "prompts/get", json{{"name", "throws"}}));
    EXPECT_EQ(t["code"], jsonrpc::error_code::internal_error);
    EXPECT_EQ(t["message"].get<std::string>().find("secret"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// completion/complete

json complete_prompt(const std::string& prompt, const std::string& argument, const std::string& value, json context = nullptr) {
    json params{{"ref", {{"type", "ref/prompt"}, {"name", prompt}}}, {"argument", {{"name", argument}, {"value", value}}}};
    if (!context.is_null()) params["context"] = std::move(context);
    return rpc(1, "completion/complete", std::move(params));
}

json complete_resource(const std::string& uri, const std::string& argument, const std::string& value) {
    return rpc(1, "completion/complete", json{{"ref", {{"type", "ref/resource"}, {"uri", uri}}}, {"argument", {{"name", argument}, {"value", value}}}});
}

void add_language_prompt(server& srv) {
    srv.add_prompt<language_args>("snippet", "Write a snippet", [](tool_context&, const language_args&) { return prompt_result{}; })
        .complete("language", [](tool_context&, const completion_request& r) {
            return completion_result::matching({"c", "cpp", "csharp", "python", "rust"}, r.value);
        });
}

TEST_F(FeaturesTest, CompletionOfAPromptArgumentFiltersByPrefix) {
    add_language_prompt(srv());
    auto s = open();
    EXPECT_EQ(result_of(s, complete_prompt("snippet", "language", "c")),
              json::parse(R"({"completion":{"values":["c","cpp","csharp"],"total":3,"hasMore":false}})"));
    EXPECT_EQ(result_of(s, complete_prompt("snippet", "language", "")),
              json::parse(R"({"completion":{"values":["c","cpp","csharp","python","rust"],"total":5,"hasMore":false}})"));
    EXPECT_EQ(result_of(s, complete_prompt("snippet", "language", "z")),
              json::parse(R"({"completion":{"values":[],"total":0,"hasMore":false}})"));
}

TEST_F(FeaturesTest, CompletionValuesAreCappedAtOneHundred) {
    srv().add_prompt<language_args>("many", "Many values", [](tool_context&, const language_args&) { return prompt_result{}; })
        .complete("language", [](tool_context&, const completion_request&) {
            completion_result r;
            for (int i = 0; i < 150; ++i) r.values.push_back("v" + std::to_string(i));
            return r;
        })
        .complete("style", [](tool_context&, const completion_request&) {
            completion_result r;
            r.values = {"a", "b"};
            r.total = 40;
            r.has_more = true;
            return r;
        });
    auto s = open();
    const json c = result_of(s, complete_prompt("many", "language", ""))["completion"];
    ASSERT_EQ(c["values"].size(), 100u);
    EXPECT_EQ(c["values"][0], "v0");
    EXPECT_EQ(c["values"][99], "v99");
    EXPECT_EQ(c["hasMore"], true);
    EXPECT_EQ(c["total"], 150);
    EXPECT_EQ(result_of(s, complete_prompt("many", "style", ""))["completion"],
              json::parse(R"({"values":["a","b"],"total":40,"hasMore":true})"));
}

TEST_F(FeaturesTest, CompletionSeesTheContextArguments) {
    srv().add_prompt<language_args>("styled", "Styled", [](tool_context&, const language_args&) { return prompt_result{}; })
        .complete("style", [](tool_context&, const completion_request& r) {
            completion_result out;
            out.values.push_back(r.argument + "=" + r.value);
            for (const auto& [k, v] : r.context_args) out.values.push_back(k + ":" + v);
            return out;
        });
    auto s = open();
    EXPECT_EQ(result_of(s, complete_prompt("styled", "style", "go", json{{"arguments", {{"language", "rust"}}}}))["completion"]["values"],
              json::parse(R"(["style=go","language:rust"])"));
    EXPECT_EQ(error_of(s, complete_prompt("styled", "style", "go", json{{"arguments", {{"language", 1}}}}))["code"],
              jsonrpc::error_code::invalid_params);
}

TEST_F(FeaturesTest, CompletionOfATemplateVariable) {
    resource_template_spec t = echo_template("repo://{owner}/{name}", "repos");
    t.complete("owner", [](tool_context&, const completion_request& r) { return completion_result::matching({"acme", "arcade", "zeta"}, r.value); });
    srv().add_resource_template(t);
    srv().add_resource(info_of("x://fixed", "fixed"), text_reader("f"));
    auto s = open();
    EXPECT_EQ(result_of(s, complete_resource("repo://{owner}/{name}", "owner", "a")),
              json::parse(R"({"completion":{"values":["acme","arcade"],"total":2,"hasMore":false}})"));
    // A variable without a completer, and a fixed resource, complete to nothing.
    EXPECT_EQ(result_of(s, complete_resource("repo://{owner}/{name}", "name", "a")),
              json::parse(R"({"completion":{"values":[],"total":0,"hasMore":false}})"));
    EXPECT_EQ(result_of(s, complete_resource("x://fixed", "anything", "a")),
              json::parse(R"({"completion":{"values":[],"total":0,"hasMore":false}})"));
}

TEST_F(FeaturesTest, CompletionWithoutACompleterIsEmpty) {
    add_language_prompt(srv());
    auto s = open();
    EXPECT_EQ(result_of(s, complete_prompt("snippet", "style", "x")),
              json::parse(R"({"completion":{"values":[],"total":0,"hasMore":false}})"));
}

TEST_F(FeaturesTest, CompletionErrors) {
    add_language_prompt(srv());
    srv().add_resource_template(echo_template("repo://{owner}", "repos"));
    auto s = open();
    const json unknown = error_of(s, complete_prompt("nope", "language", "c"));
    EXPECT_EQ(unknown["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(unknown["message"], "Unknown prompt: nope");
    EXPECT_EQ(error_of(s, complete_prompt("snippet", "nope", "c"))["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(error_of(s, complete_resource("repo://{other}", "owner", "a"))["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(error_of(s, complete_resource("repo://acme", "owner", "a"))["code"], jsonrpc::error_code::invalid_params)
        << "the ref names the template, not a URI it matches";
    for (const json& params : {json::object(),
                               json{{"ref", {{"type", "ref/tool"}, {"name", "x"}}}, {"argument", {{"name", "a"}, {"value", ""}}}},
                               json{{"ref", {{"name", "snippet"}}}, {"argument", {{"name", "language"}, {"value", ""}}}},
                               json{{"ref", {{"type", "ref/prompt"}, {"name", "snippet"}}}},
                               json{{"ref", {{"type", "ref/prompt"}, {"name", "snippet"}}}, {"argument", {{"name", "language"}}}},
                               json{{"ref", {{"type", "ref/prompt"}, {"name", "snippet"}}}, {"argument", {{"name", "language"}, {"value", 3}}}}})
        EXPECT_EQ(error_of(s, rpc(1, "completion/complete", params))["code"], jsonrpc::error_code::invalid_params) << params.dump();
}

TEST_F(FeaturesTest, CompletionWithoutPromptsOrResourcesIsMethodNotFound) {
    auto s = open();
    EXPECT_EQ(error_of(s, complete_prompt("any", "a", ""))["code"], jsonrpc::error_code::method_not_found);
}

// ---------------------------------------------------------------------------------------------
// Requests to the client from a running tool (sampling, elicitation)

/// Fixture tools that ask the client.
void add_asking_tools(server& srv) {
    srv.add_tool<no_arguments>("ask", "Asks the client's model.", [](tool_context& ctx, const no_arguments&) {
        const sampling_result answer = ctx.create_message("What is 6*7?", 50);
        return answer.role + "|" + answer.text() + "|" + answer.model + "|" + answer.stop_reason.value_or("-");
    });
    srv.add_tool<no_arguments>("confirm", "Asks the user.", [](tool_context& ctx, const no_arguments&) {
        const json schema{{"type", "object"}, {"properties", {{"ok", {{"type", "boolean"}}}}}};
        const elicitation_result answer = ctx.elicit("Proceed?", schema);
        return answer.action + " " + answer.content.dump();
    });
    srv.add_tool<no_arguments>("ask_twice", "Asks the model twice.", [](tool_context& ctx, const no_arguments&) {
        const std::string one = ctx.create_message("one", 5).text();
        return one + "+" + ctx.create_message("two", 5).text();
    });
    srv.add_tool<no_arguments>("roots_quickly", "Asks for roots with a short timeout.", [](tool_context& ctx, const no_arguments&) {
        return ctx.request_client("roots/list", json::object(), 50ms).dump();
    });
}

json response_to(const json& request, json result) {
    return json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", std::move(result)}};
}

/// Feeds the client's answer; it gets no reply of its own.
void answer(dispatcher& core, const std::shared_ptr<session_state>& s, const json& message) {
    auto sink = std::make_shared<capture_sink>();
    core.handle(s, message, sink);
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_FALSE(sink->reply().has_value());
    EXPECT_TRUE(sink->sent().empty());
}

/// The text of a CallToolResult's first block.
std::string text_of(const json& result) { return result["content"][0]["text"].get<std::string>(); }

TEST_F(FeaturesTest, SamplingRequestTravelsOnTheSinkAndTheAnswerReachesTheTool) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(7, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json req = sink->sent()[0];
    EXPECT_EQ(req["jsonrpc"], "2.0");
    EXPECT_EQ(req["method"], "sampling/createMessage");
    ASSERT_TRUE(req["id"].is_number_integer()) << req.dump();
    EXPECT_EQ(req["params"], json::parse(R"({"messages":[{"role":"user","content":{"type":"text","text":"What is 6*7?"}}],"maxTokens":50})"));
    EXPECT_EQ(sink->finishes(), 0) << "the tool is still waiting";

    answer(core(), s, response_to(req, json::parse(R"({"role":"assistant","content":{"type":"text","text":"42"},"model":"m1","stopReason":"endTurn"})")));
    ASSERT_TRUE(sink->wait_finished());
    const json reply = sink->reply().value_or(json());
    EXPECT_EQ(reply["id"], 7);
    EXPECT_EQ(reply["result"]["isError"], false);
    EXPECT_EQ(reply["result"]["structuredContent"]["result"], "assistant|42|m1|endTurn");
    EXPECT_EQ(sink->sent().size(), 1u);
}

TEST_F(FeaturesTest, ElicitationRoundTrip) {
    add_asking_tools(srv());
    auto s = open(json{{"elicitation", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(8, "confirm"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json req = sink->sent()[0];
    EXPECT_EQ(req["method"], "elicitation/create");
    EXPECT_EQ(req["params"]["message"], "Proceed?");
    EXPECT_EQ(req["params"]["requestedSchema"], json::parse(R"({"type":"object","properties":{"ok":{"type":"boolean"}}})"));
    answer(core(), s, response_to(req, json::parse(R"({"action":"accept","content":{"ok":true}})")));
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value_or(json())["result"]["structuredContent"]["result"], R"(accept {"ok":true})");
}

TEST_F(FeaturesTest, ElicitationDeclinedAndInvalidAction) {
    add_asking_tools(srv());
    auto s = open(json{{"elicitation", json::object()}});
    for (const char* action : {"decline", "maybe"}) {
        auto sink = std::make_shared<capture_sink>();
        core().handle(s, call_tool(8, "confirm"), sink);
        ASSERT_TRUE(sink->wait_sent(1));
        answer(core(), s, response_to(sink->sent()[0], json{{"action", action}}));
        ASSERT_TRUE(sink->wait_finished());
        const json result = sink->reply().value_or(json())["result"];
        if (std::string(action) == "decline") {
            EXPECT_EQ(result["structuredContent"]["result"], "decline null");
        } else {
            EXPECT_EQ(result["isError"], true);
            EXPECT_NE(text_of(result).find("no valid action"), std::string::npos) << text_of(result);
        }
    }
}

TEST_F(FeaturesTest, EachClientRequestGetsItsOwnId) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(9, "ask_twice"), sink);
    const json content = json::parse(R"({"role":"assistant","content":{"type":"text","text":"A"},"model":"m"})");
    ASSERT_TRUE(sink->wait_sent(1));
    const json first = sink->sent()[0];
    EXPECT_EQ(first["params"]["messages"][0]["content"]["text"], "one");
    answer(core(), s, response_to(first, content));
    ASSERT_TRUE(sink->wait_sent(2));
    const json second = sink->sent()[1];
    EXPECT_NE(first["id"], second["id"]);
    // Answering the first id again is ignored; the second is still waiting.
    answer(core(), s, response_to(first, content));
    EXPECT_EQ(sink->finishes(), 0);
    answer(core(), s, response_to(second, json::parse(R"({"role":"assistant","content":[{"type":"text","text":"B"},{"type":"text","text":"C"}],"model":"m"})")));
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value_or(json())["result"]["structuredContent"]["result"], "A+BC");
}

TEST_F(FeaturesTest, ClientErrorAnswerBecomesAToolError) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(10, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json req = sink->sent()[0];
    answer(core(), s, json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"error", {{"code", -1}, {"message", "User rejected sampling request"}}}});
    ASSERT_TRUE(sink->wait_finished());
    const json reply = sink->reply().value_or(json());
    EXPECT_EQ(reply["id"], 10);
    ASSERT_TRUE(reply.contains("result")) << "a failed client request is a tool result, not a JSON-RPC error";
    EXPECT_EQ(reply["result"]["isError"], true);
    EXPECT_NE(text_of(reply["result"]).find("User rejected sampling request"), std::string::npos) << text_of(reply["result"]);
}

TEST_F(FeaturesTest, SamplingResultWithoutContentIsAToolError) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(11, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    answer(core(), s, response_to(sink->sent()[0], json{{"role", "assistant"}, {"model", "m"}}));
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value_or(json())["result"]["isError"], true);
}

TEST_F(FeaturesTest, ClientWithoutTheCapabilityIsAToolError) {
    add_asking_tools(srv());
    auto s = open(json{{"roots", json::object()}});
    std::vector<json> sent;
    const json ask = request(s, call_tool(1, "ask"), &sent);
    EXPECT_EQ(ask["result"]["isError"], true);
    EXPECT_NE(text_of(ask["result"]).find("does not support sampling"), std::string::npos) << text_of(ask["result"]);
    EXPECT_TRUE(sent.empty()) << "nothing is asked of a client that cannot answer";
    const json confirm = request(s, call_tool(2, "confirm"), &sent);
    EXPECT_EQ(confirm["result"]["isError"], true);
    EXPECT_NE(text_of(confirm["result"]).find("does not support elicitation"), std::string::npos) << text_of(confirm["result"]);
    EXPECT_TRUE(sent.empty());
}

TEST_F(FeaturesTest, CapabilityMustBeAnObject) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", true}});
    EXPECT_EQ(request(s, call_tool(1, "ask"))["result"]["isError"], true);
}

TEST_F(FeaturesTest, StatelessSessionCannotAskTheClient) {
    add_asking_tools(srv());
    auto s = std::make_shared<session_state>("stateless", "fallback");
    s->set_stateless();
    request(s, rpc(0, "initialize", json{{"protocolVersion", "2025-11-25"}, {"capabilities", {{"sampling", json::object()}}},
                                         {"clientInfo", {{"name", "t"}, {"version", "0"}}}}));
    std::vector<json> sent;
    const json r = request(s, call_tool(1, "ask"), &sent);
    EXPECT_EQ(r["result"]["isError"], true);
    EXPECT_TRUE(sent.empty());
    const json raw = request(s, call_tool(2, "roots_quickly"), &sent);
    EXPECT_EQ(raw["result"]["isError"], true);
    EXPECT_NE(text_of(raw["result"]).find("Stateless"), std::string::npos) << text_of(raw["result"]);
}

TEST_F(FeaturesTest, CancellingAToolThatWaitsForTheClient) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(12, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json req = sink->sent()[0];
    answer(core(), s, json::parse(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12,"reason":"user"}})"));
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_FALSE(sink->reply().has_value()) << "a cancelled request gets no response";
    const auto sent = sink->sent();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[1]["method"], "notifications/cancelled");
    EXPECT_EQ(sent[1]["params"]["requestId"], req["id"]) << "the server withdraws its own request";
    EXPECT_TRUE(sent[1]["params"]["reason"].is_string());
    EXPECT_FALSE(sent[1].contains("id"));
    // A late answer finds nothing waiting and is ignored.
    answer(core(), s, response_to(req, json::parse(R"({"role":"assistant","content":{"type":"text","text":"late"},"model":"m"})")));
    EXPECT_EQ(s->calls_in_flight(), 0u);
}

TEST_F(FeaturesTest, ClientRequestTimesOut) {
    add_asking_tools(srv());
    auto s = open(json{{"roots", json::object()}});
    std::vector<json> sent;
    const json r = request(s, call_tool(13, "roots_quickly"), &sent);
    EXPECT_EQ(r["result"]["isError"], true);
    EXPECT_NE(text_of(r["result"]).find("did not answer roots/list in time"), std::string::npos) << text_of(r["result"]);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0]["method"], "roots/list");
    EXPECT_EQ(sent[1]["method"], "notifications/cancelled");
    EXPECT_EQ(sent[1]["params"]["requestId"], sent[0]["id"]);
}

TEST_F(FeaturesTest, SessionCloseFailsPendingClientRequests) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(14, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    s->close();
    ASSERT_TRUE(sink->wait_finished());
    const json reply = sink->reply().value_or(json());
    ASSERT_TRUE(reply.contains("result")) << reply.dump();
    EXPECT_EQ(reply["result"]["isError"], true);
    const std::string text = text_of(reply["result"]);
    // close() stops the call and fails the request; the handler may see either first.
    EXPECT_TRUE(text.find("The session ended") != std::string::npos || text.find("cancelled") != std::string::npos) << text;
    // Once closed, nothing more can be asked.
    EXPECT_FALSE(s->open_client_request(16).second);
}

TEST_F(FeaturesTest, ClientGoneFailsPendingClientRequests) {
    add_asking_tools(srv());
    auto s = open(json{{"elicitation", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(15, "confirm"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    s->fail_client_requests();  // stdio EOF
    ASSERT_TRUE(sink->wait_finished());
    const json reply = sink->reply().value_or(json());
    EXPECT_EQ(reply["result"]["isError"], true);
    EXPECT_NE(text_of(reply["result"]).find("The session ended"), std::string::npos) << text_of(reply["result"]);
    EXPECT_EQ(sink->sent().size(), 1u) << "no cancellation is sent to a client that is gone";
}

TEST_F(FeaturesTest, ResponsesToNoPendingRequestAreIgnored) {
    auto s = open();
    answer(core(), s, json::parse(R"({"jsonrpc":"2.0","id":999,"result":{}})"));
    answer(core(), s, json::parse(R"({"jsonrpc":"2.0","id":"abc","error":{"code":-1,"message":"x"}})"));
    EXPECT_EQ(result_of(s, rpc(1, "ping")), json::object());
}

}  // namespace
}  // namespace arcade_mcp::detail
