// The official MCP 2026-07-28 schema examples (shared/mcp-schema/2026-07-28/examples/<Type>/*.json)
// against this library. What is checked, by direction:
//  * Every example directory is classified (schema_examples_fixture.hpp) as received or sent by a
//    server (a new type fails until someone decides).
//  * Received (client requests and notifications, their params, client capabilities, the
//    client's answers): jsonrpc::decode classifies the messages as request / notification,
//    requests are modern (is_modern_message) and their `_meta` passes read_request_meta and
//    check_served_revision; params examples pass read_request_meta; ClientCapabilities are kept
//    verbatim; ElicitResult / CreateMessageResult / ListRootsResult / Root / InputResponses are
//    valid answers (invalid_answer) for the method that asks them.
//  * Served (schema_examples_served_test.cpp): every official client request is answered by the
//    dispatcher, on a server that has what the examples name (get_weather, code_review, main.rs,
//    ...), with a `complete` result; where the examples include the matching response, ours
//    equals it (minus our `_meta.serverInfo`, and minus `icons`, which this library does not
//    emit); the official listen acknowledgement, list_changed / resources/updated notifications,
//    final listen result, InputRequiredResult, and the -32020 / -32021 / -32022 errors are
//    compared too.
//  * Sent (results, server notifications, server requests, content, errors): each parses and
//    survives a JSON round trip (parse -> our json -> dump -> parse, equal) — a check of the JSON
//    layer only; the JSON-RPC ones re-encode identically through jsonrpc::decode + make_*; the
//    content blocks and resource contents are reproduced exactly by our factories.
// The examples live outside the repository (the `shared` folder next to it); absent -> skipped.
#include "mcp/schema_examples_fixture.hpp"

#include <gtest/gtest.h>

#include "mcp/input_round.hpp"
#include "mcp/request_meta.hpp"

namespace arcade_mcp::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// Inventory

TEST_F(SchemaExamples, EveryExampleTypeIsClassified) {
    EXPECT_GE(examples_.size(), 80u);
    std::size_t files = 0;
    for (const auto& [type, list] : examples_) {
        const bool known = received_messages.count(type) || received_params.count(type) || client_answers.count(type) ||
                           received_other.count(type) || sent_messages.count(type) || sent_other.count(type);
        EXPECT_TRUE(known) << type << ": new example type; classify it as received or sent in "
                           << "src/mcp/schema_examples_fixture.hpp";
        EXPECT_FALSE(list.empty()) << type;
        files += list.size();
    }
    EXPECT_GE(files, 120u);
    for (const auto* set : {&received_messages, &received_other, &sent_messages, &sent_other})
        for (const auto& type : *set) EXPECT_TRUE(examples_.count(type)) << type << " is listed but has no examples";
}

// ---------------------------------------------------------------------------------------------
// Received by a server

TEST_F(SchemaExamples, ClientMessagesDecodeAndCarryValidRequestMeta) {
    for (const auto& type : received_messages) {
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            const auto decoded = jsonrpc::decode(e.value);
            if (type.find("Notification") != std::string::npos) {
                ASSERT_TRUE(std::holds_alternative<jsonrpc::notification>(decoded));
                EXPECT_EQ(std::get<jsonrpc::notification>(decoded).method, e.value["method"]);
                continue;
            }
            ASSERT_TRUE(std::holds_alternative<jsonrpc::request>(decoded));
            const auto& req = std::get<jsonrpc::request>(decoded);
            EXPECT_EQ(req.method, e.value["method"]);
            EXPECT_EQ(req.id.to_json(), e.value["id"]);
            EXPECT_TRUE(dispatcher::is_modern_message(e.value)) << "a 2026-07-28 request must be recognised as one";
            EXPECT_TRUE(carries_request_meta(e.value));
            const auto meta = read_request_meta(req.params);
            ASSERT_TRUE(std::holds_alternative<request_meta>(meta)) << std::get<jsonrpc::error>(meta).message;
            EXPECT_EQ(std::get<request_meta>(meta).revision, "2026-07-28");
            EXPECT_FALSE(check_served_revision(std::get<request_meta>(meta).revision));
            EXPECT_EQ(std::get<request_meta>(meta).client_info,
                      e.value["params"]["_meta"]["io.modelcontextprotocol/clientInfo"]);
        }
    }
}

TEST_F(SchemaExamples, ClientParamsCarryValidRequestMeta) {
    for (const auto& [type, method] : received_params) {
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            if (method.rfind("notifications/", 0) == 0) {
                const auto decoded = jsonrpc::decode(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", e.value}});
                EXPECT_TRUE(std::holds_alternative<jsonrpc::notification>(decoded));
                continue;
            }
            json message{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", e.value}};
            EXPECT_TRUE(std::holds_alternative<jsonrpc::request>(jsonrpc::decode(message)));
            EXPECT_TRUE(carries_request_meta(message));
            const auto meta = read_request_meta(e.value);
            ASSERT_TRUE(std::holds_alternative<request_meta>(meta)) << std::get<jsonrpc::error>(meta).message;
            EXPECT_FALSE(check_served_revision(std::get<request_meta>(meta).revision));
        }
    }
}

TEST_F(SchemaExamples, ClientCapabilitiesAreKeptAsSent) {
    for (auto e : of("ClientCapabilities")) {
        SCOPED_TRACE(e.path.string());
        json params{{"_meta",
                     {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                      {"io.modelcontextprotocol/clientCapabilities", e.value}}}};
        const auto meta = read_request_meta(params);
        ASSERT_TRUE(std::holds_alternative<request_meta>(meta));
        EXPECT_EQ(std::get<request_meta>(meta).client_capabilities, e.value);
    }
}

TEST_F(SchemaExamples, ClientAnswersAreValidForTheQuestionsTheyAnswer) {
    std::size_t checked = 0;
    for (const auto& [type, method] : client_answers) {
        if (method.empty()) continue;
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            json answer = type == "Root" ? json{{"roots", json::array({e.value})}} : e.value;
            EXPECT_EQ(invalid_answer(method, answer), std::nullopt);
            ++checked;
        }
    }
    // InputResponses answer the questions of InputRequests, key by key.
    json requests = example("InputRequests", "elicitation-and-sampling-input-requests");
    for (auto e : of("InputResponses")) {
        SCOPED_TRACE(e.path.string());
        input_round round(e.value, nullptr);
        for (const auto& [key, answer] : e.value.items()) {
            ASSERT_TRUE(requests.contains(key)) << key;
            const std::string method = requests[key]["method"].get<std::string>();
            EXPECT_EQ(invalid_answer(method, answer), std::nullopt) << key;
            EXPECT_EQ(round.answer(key, method), answer);
            ++checked;
        }
    }
    EXPECT_GE(checked, 10u);
}

// ---------------------------------------------------------------------------------------------
// Sent by a server

TEST_F(SchemaExamples, ServerMessagesSurviveAJsonRoundTrip) {
    // A check of the JSON layer (numbers, escapes, Unicode) on every example a server sends.
    std::size_t checked = 0;
    for (const auto* set : {&sent_messages, &sent_other})
        for (const auto& type : *set)
            for (auto e : of(type)) {
                SCOPED_TRACE(e.path.string());
                json parsed = json::parse(e.text);
                EXPECT_EQ(json::parse(parsed.dump()), parsed);
                EXPECT_EQ(json::parse(parsed.dump(2)), parsed);
                ++checked;
            }
    EXPECT_GE(checked, 80u);
}

TEST_F(SchemaExamples, ServerJsonRpcMessagesReencodeWithOurEncoders) {
    for (const auto& type : sent_messages) {
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            const auto decoded = jsonrpc::decode(e.value);
            if (const auto* n = std::get_if<jsonrpc::notification>(&decoded)) {
                EXPECT_EQ(jsonrpc::make_notification(n->method, n->params), e.value);
            } else if (const auto* r = std::get_if<jsonrpc::response>(&decoded)) {
                ASSERT_TRUE(r->id);
                if (const auto* result = std::get_if<json>(&r->outcome)) {
                    EXPECT_EQ(jsonrpc::make_result(*r->id, *result), e.value);
                } else {
                    EXPECT_EQ(jsonrpc::make_error(r->id, std::get<jsonrpc::error>(r->outcome)), e.value);
                }
            } else {
                ADD_FAILURE() << type << " does not decode as a notification or response";
            }
        }
    }
}

TEST_F(SchemaExamples, ContentBlocksAreReproducedByOurFactories) {
    for (const char* type : {"TextContent", "ImageContent", "AudioContent", "EmbeddedResource", "ResourceLink"})
        for (auto e : of(type)) EXPECT_EQ(content_block::from_json(e.value).to_json(), e.value) << e.path;
    for (auto e : of("CallToolResult"))
        for (const auto& block : e.value["content"]) EXPECT_NO_THROW((void)content_block::from_json(block)) << e.path;

    EXPECT_EQ(content_block::text("Tool result text").to_json(), example("TextContent", "text-content"));

    json image = example("ImageContent", "image-png-content-with-annotations");
    annotations for_user;
    for_user.audience = {"user"};
    for_user.priority = 0.9;
    EXPECT_EQ(content_block::image(image["data"].get<std::string>(), "image/png").with_annotations(for_user).to_json(),
              image);

    json audio = example("AudioContent", "audio-wav-content");
    EXPECT_EQ(content_block::audio(audio["data"].get<std::string>(), "audio/wav").to_json(), audio);

    EXPECT_EQ(content_block::resource_link("file:///project/src/main.rs", "main.rs", "text/x-rust",
                                           "Primary application entry point")
                  .to_json(),
              example("ResourceLink", "file-resource-link"));

    json embedded = example("EmbeddedResource", "embedded-file-resource-with-annotations");
    annotations both;
    both.audience = {"user", "assistant"};
    both.priority = 0.7;
    both.last_modified = "2025-05-03T14:30:00Z";
    EXPECT_EQ(content_block::embedded(resource_contents::text_of("file:///project/src/main.rs",
                                                                 embedded["resource"]["text"].get<std::string>(),
                                                                 "text/x-rust"))
                  .with_annotations(both)
                  .to_json(),
              embedded);

    EXPECT_EQ(resource_contents::text_of("file:///example.txt", "Resource content", "text/plain").to_json(),
              example("TextResourceContents", "text-file-contents"));
    json blob = example("BlobResourceContents", "image-file-contents");
    EXPECT_EQ(resource_contents::blob_of("file:///example.png", blob["blob"].get<std::string>(), "image/png").to_json(),
              blob);
}

}  // namespace
}  // namespace arcade_mcp::detail
