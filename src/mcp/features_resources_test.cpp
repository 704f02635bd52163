// Dispatcher-level tests: capabilities by what is registered, resources/list and
// templates/list (pages), resources/read, subscriptions and notifications/resources/updated.
#include "mcp/features_fixture.hpp"

namespace arcade_mcp::detail {
namespace {

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
    EXPECT_EQ(
        init_result["capabilities"],
        json::parse(
            R"({"tools":{"listChanged":true},"logging":{},"resources":{"subscribe":true,"listChanged":true},)"
            R"("completions":{}})"));
}

TEST_F(FeaturesTest, TemplateAloneAdvertisesResources) {
    srv().add_resource_template(echo_template("x://{id}", "family"));
    open();
    EXPECT_EQ(init_result["capabilities"]["resources"], json::parse(R"({"subscribe":true,"listChanged":true})"));
    EXPECT_TRUE(init_result["capabilities"].contains("completions"));
    EXPECT_FALSE(init_result["capabilities"].contains("prompts"));
}

TEST_F(FeaturesTest, PromptAdvertisesPromptsAndCompletions) {
    srv().add_prompt<review_args>("review", "Review code",
                                  [](tool_context&, const review_args&) { return prompt_result{}; });
    open();
    EXPECT_EQ(
        init_result["capabilities"],
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
    EXPECT_EQ(result_of(modern, rpc(1, "resources/list")),
              json::parse(R"({"resources":[{"uri":"file:///notes.txt","name":"notes",
        "title":"Notes","description":"My notes","mimeType":"text/plain","size":1234,
        "annotations":{"audience":["user"],"priority":0.5,"lastModified":"2025-01-12T15:00:58Z"}}]})"));

    auto old = open(json::object(), "2025-03-26");
    EXPECT_EQ(result_of(old, rpc(1, "resources/list")),
              json::parse(R"({"resources":[{"uri":"file:///notes.txt","name":"notes",
        "description":"My notes","mimeType":"text/plain","size":1234,"annotations":{"audience":["user"],
            "priority":0.5}}]})"))
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
    for (const char* name : {"a", "b", "c"})
        srv().add_resource(info_of(std::string("x://") + name, name), text_reader(name));
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

    for (const json& bad :
         {json("garbage"), json(encode_cursor("tools", 1)), json(encode_cursor("resources", 3)), json(7)}) {
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
    EXPECT_EQ(first["resourceTemplates"],
              json::parse(R"([{"uriTemplate":"file:///{+path}","name":"files","title":"Files",
        "description":"Any file","mimeType":"text/plain"}])"));
    ASSERT_TRUE(first.contains("nextCursor"));
    const json second = result_of(s, rpc(2, "resources/templates/list", json{{"cursor", first["nextCursor"]}}));
    EXPECT_EQ(second,
              json::parse(R"({"resourceTemplates":[{"uriTemplate":"users://{id}/profile","name":"profiles"}]})"));
    // A templates cursor is not a resources cursor.
    EXPECT_EQ(error_of(s, rpc(3, "resources/list", json{{"cursor", first["nextCursor"]}}))["code"],
              jsonrpc::error_code::invalid_params);
    EXPECT_TRUE(result_of(s, rpc(4, "resources/list"))["resources"].empty()) << "templates are not listed as resources";
}

// ---------------------------------------------------------------------------------------------
// resources/read

TEST_F(FeaturesTest, ReadFixedTextAndBlobResources) {
    srv().add_resource(info_of("x://text", "text"), text_reader("hello"));
    srv().add_resource(info_of("x://bin", "bin"),
                       [](tool_context&, const std::string& uri) -> result<std::vector<resource_contents>> {
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
    srv().add_resource(info_of("x://ctx", "ctx"),
                       [](tool_context& ctx, const std::string& uri) -> result<std::vector<resource_contents>> {
                           ctx.log(mcp_log_level::warning, "reading " + uri);
                           return std::vector{resource_contents::text_of(
                               uri, std::string(ctx.user_id()) + " " + std::string(ctx.protocol_version()))};
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
        t.read = [](tool_context&, const std::string& uri,
                    const std::map<std::string, std::string>& vars) -> result<std::vector<resource_contents>> {
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
    srv().add_resource(info_of("x://broken", "broken"),
                       [](tool_context&, const std::string&) -> result<std::vector<resource_contents>> {
                           return tool_error::fatal("disk on fire");
                       });
    srv().add_resource(info_of("x://upstream", "upstream"),
                       [](tool_context&, const std::string&) -> result<std::vector<resource_contents>> {
                           return tool_error::upstream(503, "backend down");
                       });
    auto s = open();
    const json e = error_of(s, rpc(1, "resources/read", json{{"uri", "x://broken"}}));
    EXPECT_EQ(e["code"], jsonrpc::error_code::internal_error);
    EXPECT_EQ(e["message"], "disk on fire");
    EXPECT_EQ(e["data"], json({{"uri", "x://broken"}}));
    EXPECT_EQ(error_of(s, rpc(2, "resources/read", json{{"uri", "x://upstream"}}))["code"],
              jsonrpc::error_code::internal_error);
}

TEST_F(FeaturesTest, ReaderExceptionIsInternalErrorWithoutDetails) {
    srv().add_resource(info_of("x://throws", "throws"),
                       [](tool_context&, const std::string&) -> result<std::vector<resource_contents>> {
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
        EXPECT_EQ(error_of(s, rpc(1, method, json{{"uri", "x://a"}}))["code"], jsonrpc::error_code::invalid_request)
            << method;
}

TEST_F(FeaturesTest, PoolMethodsInABatchAreCollected) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    add_plain_prompt(srv());
    auto s = open(json::object(), "2025-03-26");
    const json batch =
        json::array({rpc(1, "resources/read", json{{"uri", "x://a"}}), rpc(2, "prompts/get", json{{"name", "p"}}),
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
    EXPECT_EQ(
        got[0],
        json::parse(R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"x://watched"}})"));
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
    EXPECT_EQ(error_of(s, rpc(1, "resources/subscribe", json{{"uri", "x://a"}}))["code"],
              jsonrpc::error_code::method_not_found);
    EXPECT_EQ(error_of(s, rpc(2, "resources/unsubscribe", json{{"uri", "x://a"}}))["code"],
              jsonrpc::error_code::method_not_found);
}

TEST_F(FeaturesTest, SubscribeNeedsAUri) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    auto s = open();
    EXPECT_EQ(error_of(s, rpc(1, "resources/subscribe"))["code"], jsonrpc::error_code::invalid_params);
    EXPECT_EQ(error_of(s, rpc(2, "resources/subscribe", json{{"uri", ""}}))["code"],
              jsonrpc::error_code::invalid_params);
    EXPECT_EQ(error_of(s, rpc(3, "resources/unsubscribe", json{{"uri", 1}}))["code"],
              jsonrpc::error_code::invalid_params);
}


}  // namespace
}  // namespace arcade_mcp::detail
