// Dispatcher-level tests: list_changed when the server changes while serving, prompts/list and
// prompts/get, and completion/complete.
#include "mcp/features_fixture.hpp"

#include "arcade_mcp/testing.hpp"

namespace arcade_mcp::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// list_changed when the server changes while serving

TEST_F(FeaturesTest, AddingAndRemovingAToolNotifiesAndChangesToolsList) {
    srv().add_tool<no_arguments>("first", "The first tool.", [](const no_arguments&) { return std::string("1"); });
    auto [a, a_notes] = open_with_notifier();
    auto [b, b_notes] = open_with_notifier();
    auto fresh = std::make_shared<session_state>("not-initialized", "fallback");
    auto fresh_notes = std::make_shared<capture_sink>();
    fresh->set_notifier(fresh_notes);

    srv().add_tool<no_arguments>("late", "Added while serving.",
                                 [](const no_arguments&) { return std::string("late result"); });
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
    const json changed =
        json::parse(R"({"jsonrpc":"2.0","method":"notifications/resources/list_changed","params":{}})");
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
    srv.add_prompt<review_args>("review", "Review a piece of code",
                                [](tool_context&, const review_args& a) -> result<prompt_result> {
                                    if (a.code == "fail") return tool_error::execution("cannot review that");
                                    prompt_result r;
                                    r.description = "Review of " + std::to_string(a.code.size()) + " characters";
                                    r.messages.push_back(prompt_message::user(content_block::text(
                                        "Review:\n" + a.code + (a.focus ? "\nFocus: " + *a.focus : std::string()))));
                                    r.messages.push_back(prompt_message::assistant(content_block::embedded(
                                        resource_contents::text_of("x://style", "style guide"))));
                                    return r;
                                })
        .with_title("Code review");
}

TEST_F(FeaturesTest, PromptsListShowsArgumentsAndTitleForTheRevision) {
    add_review_prompt(srv());
    srv().add_prompt<no_arguments>("plain", "No arguments",
                                   [](tool_context&, const no_arguments&) { return prompt_result{}; });
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
    srv().add_prompt<no_arguments>("plain", "No arguments",
                                   [](tool_context&, const no_arguments&) { return prompt_result{}; });
    auto s = open();
    const json first = result_of(s, rpc(1, "prompts/list"));
    ASSERT_EQ(first["prompts"].size(), 1u);
    EXPECT_EQ(first["prompts"][0]["name"], "review");
    const json second = result_of(s, rpc(2, "prompts/list", json{{"cursor", first["nextCursor"]}}));
    EXPECT_EQ(second["prompts"][0]["name"], "plain");
    EXPECT_FALSE(second.contains("nextCursor"));
    EXPECT_EQ(error_of(s, rpc(3, "prompts/list", json{{"cursor", "nope"}}))["code"],
              jsonrpc::error_code::invalid_params);
}

TEST_F(FeaturesTest, PromptsGetFillsTypedArguments) {
    add_review_prompt(srv());
    auto s = open();
    EXPECT_EQ(result_of(s, rpc(1, "prompts/get",
                               json{{"name", "review"}, {"arguments", {{"code", "int x;"}, {"focus", "naming"}}}})),
              json::parse(R"({"description":"Review of 6 characters","messages":[
                  {"role":"user","content":{"type":"text","text":"Review:\nint x;\nFocus: naming"}},
                  {"role":"assistant","content":{"type":"resource","resource":{"uri":"x://style",
                      "text":"style guide"}}}]})"));
    const json no_focus = result_of(s, rpc(2, "prompts/get", json{{"name", "review"}, {"arguments", {{"code", "y"}}}}));
    EXPECT_EQ(no_focus["messages"][0]["content"]["text"], "Review:\ny");
}

// arcade-mcp-server 1.26: a prompt handler may take the caller's context, or only its arguments.
TEST(PromptContext, HandlersSeeTheCallersContextOrOnlyTheirArguments) {
    server_info info;
    info.name = "prompts";
    server srv(info);
    srv.add_prompt<review_args>("whose", "Who asks, over which revision",
                                [](tool_context& ctx, const review_args& a) {
                                    ctx.log(mcp_log_level::info, "filling whose");
                                    return prompt_result{{},
                                                         {prompt_message::user(content_block::text(
                                                             std::string(ctx.user_id()) + " " +
                                                             std::string(ctx.protocol_version()) + " " + a.code))}};
                                });
    srv.add_prompt<review_args>("plain_args", "Arguments only", [](const review_args& a) -> result<prompt_result> {
        if (a.code == "fail") return tool_error::execution("cannot");
        return prompt_result{{}, {prompt_message::user(content_block::text("code: " + a.code))}};
    });
    for (const char* revision : {"2025-06-18", "2025-11-25"}) {
        arcade_mcp::testing::client_options options;
        options.protocol_version = revision;
        options.user_id = std::string("user-") + revision;
        arcade_mcp::testing::client c(srv, options);
        const json got = c.request("prompts/get", json{{"name", "whose"}, {"arguments", {{"code", "x"}}}});
        EXPECT_EQ(got["messages"][0]["content"]["text"], std::string("user-") + revision + " " + revision + " x");
        bool logged = false;
        for (const auto& note : c.logs()) logged = logged || note.dump().find("filling whose") != std::string::npos;
        EXPECT_TRUE(logged) << revision;
        EXPECT_EQ(c.request("prompts/get", json{{"name", "plain_args"}, {"arguments", {{"code", "y"}}}})["messages"][0]
                           ["content"]["text"],
                  "code: y");
    }
    arcade_mcp::testing::client stateless(srv, arcade_mcp::testing::era::stateless);
    EXPECT_EQ(stateless.request("prompts/get", json{{"name", "whose"}, {"arguments", {{"code", "z"}}}})["messages"][0]
                                ["content"]["text"],
              "test-user 2026-07-28 z");
}

TEST_F(FeaturesTest, PromptsGetWithoutArgumentsWhenNoneAreRequired) {
    srv().add_prompt<no_arguments>("plain", "No arguments", [](tool_context&, const no_arguments&) {
        return prompt_result{{}, {prompt_message::user(content_block::image("AA==", "image/png"))}};
    });
    auto s = open();
    for (const json& params : {json{{"name", "plain"}}, json{{"name", "plain"}, {"arguments", nullptr}},
                               json{{"name", "plain"}, {"arguments", json::object()}}})
        EXPECT_EQ(
            result_of(s, rpc(1, "prompts/get", params)),
            json::parse(
                R"({"messages":[{"role":"user","content":{"type":"image","data":"AA==","mimeType":"image/png"}}]})"))
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
    for (const json& args : {json{{"code", 5}}, json{{"code", "x"}, {"focus", nullptr}}, json{{"code", json::array()}},
                             json("code"), json::array({"code"})}) {
        const json e = error_of(s, rpc(1, "prompts/get", json{{"name", "review"}, {"arguments", args}}));
        EXPECT_EQ(e["code"], jsonrpc::error_code::invalid_params) << args.dump();
    }
}

TEST_F(FeaturesTest, PromptsGetUnknownArgumentIsInvalidParams) {
    add_review_prompt(srv());
    auto s = open();
    const json e =
        error_of(s, rpc(1, "prompts/get", json{{"name", "review"}, {"arguments", {{"code", "x"}, {"extra", "y"}}}}));
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

json complete_prompt(const std::string& prompt, const std::string& argument, const std::string& value,
                     json context = nullptr) {
    json params{{"ref", {{"type", "ref/prompt"}, {"name", prompt}}},
                {"argument", {{"name", argument}, {"value", value}}}};
    if (!context.is_null()) params["context"] = std::move(context);
    return rpc(1, "completion/complete", std::move(params));
}

json complete_resource(const std::string& uri, const std::string& argument, const std::string& value) {
    return rpc(
        1, "completion/complete",
        json{{"ref", {{"type", "ref/resource"}, {"uri", uri}}}, {"argument", {{"name", argument}, {"value", value}}}});
}

void add_language_prompt(server& srv) {
    srv.add_prompt<language_args>("snippet", "Write a snippet",
                                  [](tool_context&, const language_args&) { return prompt_result{}; })
        .complete("language", [](tool_context&, const completion_request& r) {
            return completion_result::matching({"c", "cpp", "csharp", "python", "rust"}, r.value);
        });
}

TEST_F(FeaturesTest, CompletionOfAPromptArgumentFiltersByPrefix) {
    add_language_prompt(srv());
    auto s = open();
    EXPECT_EQ(result_of(s, complete_prompt("snippet", "language", "c")),
              json::parse(R"({"completion":{"values":["c","cpp","csharp"],"total":3,"hasMore":false}})"));
    EXPECT_EQ(
        result_of(s, complete_prompt("snippet", "language", "")),
        json::parse(R"({"completion":{"values":["c","cpp","csharp","python","rust"],"total":5,"hasMore":false}})"));
    EXPECT_EQ(result_of(s, complete_prompt("snippet", "language", "z")),
              json::parse(R"({"completion":{"values":[],"total":0,"hasMore":false}})"));
}

TEST_F(FeaturesTest, CompletionValuesAreCappedAtOneHundred) {
    srv()
        .add_prompt<language_args>("many", "Many values",
                                   [](tool_context&, const language_args&) { return prompt_result{}; })
        .complete("language",
                  [](tool_context&, const completion_request&) {
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
    srv()
        .add_prompt<language_args>("styled", "Styled",
                                   [](tool_context&, const language_args&) { return prompt_result{}; })
        .complete("style", [](tool_context&, const completion_request& r) {
            completion_result out;
            out.values.push_back(r.argument + "=" + r.value);
            for (const auto& [k, v] : r.context_args) out.values.push_back(k + ":" + v);
            return out;
        });
    auto s = open();
    EXPECT_EQ(result_of(s, complete_prompt("styled", "style", "go",
                                           json{{"arguments", {{"language", "rust"}}}}))["completion"]["values"],
              json::parse(R"(["style=go","language:rust"])"));
    EXPECT_EQ(error_of(s, complete_prompt("styled", "style", "go", json{{"arguments", {{"language", 1}}}}))["code"],
              jsonrpc::error_code::invalid_params);
}

TEST_F(FeaturesTest, CompletionOfATemplateVariable) {
    resource_template_spec t = echo_template("repo://{owner}/{name}", "repos");
    t.complete("owner", [](tool_context&, const completion_request& r) {
        return completion_result::matching({"acme", "arcade", "zeta"}, r.value);
    });
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
    EXPECT_EQ(error_of(s, complete_resource("repo://{other}", "owner", "a"))["code"],
              jsonrpc::error_code::invalid_params);
    EXPECT_EQ(error_of(s, complete_resource("repo://acme", "owner", "a"))["code"], jsonrpc::error_code::invalid_params)
        << "the ref names the template, not a URI it matches";
    for (const json& params :
         {json::object(),
          json{{"ref", {{"type", "ref/tool"}, {"name", "x"}}}, {"argument", {{"name", "a"}, {"value", ""}}}},
          json{{"ref", {{"name", "snippet"}}}, {"argument", {{"name", "language"}, {"value", ""}}}},
          json{{"ref", {{"type", "ref/prompt"}, {"name", "snippet"}}}},
          json{{"ref", {{"type", "ref/prompt"}, {"name", "snippet"}}}, {"argument", {{"name", "language"}}}},
          json{{"ref", {{"type", "ref/prompt"}, {"name", "snippet"}}},
               {"argument", {{"name", "language"}, {"value", 3}}}}})
        EXPECT_EQ(error_of(s, rpc(1, "completion/complete", params))["code"], jsonrpc::error_code::invalid_params)
            << params.dump();
}

TEST_F(FeaturesTest, CompletionWithoutPromptsOrResourcesIsMethodNotFound) {
    auto s = open();
    EXPECT_EQ(error_of(s, complete_prompt("any", "a", ""))["code"], jsonrpc::error_code::method_not_found);
}


}  // namespace
}  // namespace arcade_mcp::detail
