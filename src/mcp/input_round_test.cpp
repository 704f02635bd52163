// Tests for the handler side of MCP 2026-07-28 multi-round-trip requests (input_round.hpp):
// which answers are valid results of each asked method (invalid_answer), answer() refusing a
// malformed answer with request_error_signal (-32602), asked_answers() keeping only the answers
// to questions asked in this run, next_key() giving the same keys to the same sequence of
// questions, and capability_for / may_require_input.
#include "mcp/input_round.hpp"

#include <gtest/gtest.h>

namespace arcade_mcp::detail {
namespace {

TEST(InputRound, ElicitResultShape) {
    const std::string_view m = "elicitation/create";
    EXPECT_FALSE(invalid_answer(
        m, json{{"action", "accept"}, {"content", {{"name", "Ada"}, {"age", 36}, {"ok", true}, {"ratio", 0.5}}}}));
    EXPECT_FALSE(invalid_answer(m, json{{"action", "accept"}, {"content", {{"tags", {"a", "b"}}}}}));
    EXPECT_FALSE(invalid_answer(m, json{{"action", "decline"}}));
    EXPECT_FALSE(invalid_answer(m, json{{"action", "cancel"}}));
    EXPECT_FALSE(invalid_answer(m, json{{"action", "accept"}})) << "URL mode: accepted without content";

    EXPECT_TRUE(invalid_answer(m, json("accept")));
    EXPECT_TRUE(invalid_answer(m, json::object()));
    EXPECT_TRUE(invalid_answer(m, json{{"action", "maybe"}}));
    EXPECT_TRUE(invalid_answer(m, json{{"action", true}}));
    EXPECT_TRUE(invalid_answer(m, json{{"action", "accept"}, {"content", "Ada"}}));
    EXPECT_TRUE(invalid_answer(m, json{{"action", "accept"}, {"content", {{"nested", {{"a", 1}}}}}}));
    EXPECT_TRUE(invalid_answer(m, json{{"action", "accept"}, {"content", {{"list", {1, 2}}}}}));
    EXPECT_TRUE(invalid_answer(m, json{{"action", "accept"}, {"content", {{"nothing", nullptr}}}}));
    const auto why = invalid_answer(m, json{{"action", "accept"}, {"content", {{"nested", {{"a", 1}}}}}});
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("content.nested"), std::string::npos) << *why;
}

TEST(InputRound, CreateMessageResultShape) {
    const std::string_view m = "sampling/createMessage";
    EXPECT_FALSE(invalid_answer(
        m, json{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "Paris"}}}, {"model", "m1"}}));
    EXPECT_FALSE(invalid_answer(
        m, json{{"role", "assistant"}, {"content", json::array()}, {"model", "m1"}, {"stopReason", "endTurn"}}));
    EXPECT_TRUE(invalid_answer(m, json{{"role", "assistant"}, {"model", "m1"}})) << "no content";
    EXPECT_TRUE(invalid_answer(m, json{{"content", {{"type", "text"}, {"text", "x"}}}, {"model", "m1"}})) << "no role";
    EXPECT_TRUE(invalid_answer(m, json{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "x"}}}}))
        << "no model";
    EXPECT_TRUE(
        invalid_answer(m, json{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "x"}}}, {"model", 1}}));
    EXPECT_TRUE(invalid_answer(m, json{{"action", "accept"}})) << "an ElicitResult is not a CreateMessageResult";
}

TEST(InputRound, ListRootsResultShape) {
    const std::string_view m = "roots/list";
    EXPECT_FALSE(invalid_answer(m, json{{"roots", json::array()}}));
    EXPECT_FALSE(
        invalid_answer(m, json{{"roots", {{{"uri", "file:///home"}, {"name", "home"}}, {{"uri", "file:///tmp"}}}}}));
    EXPECT_TRUE(invalid_answer(m, json::object()));
    EXPECT_TRUE(invalid_answer(m, json{{"roots", "file:///home"}}));
    EXPECT_TRUE(invalid_answer(m, json{{"roots", {"file:///home"}}}));
    EXPECT_TRUE(invalid_answer(m, json{{"roots", {{{"name", "no uri"}}}}}));
    EXPECT_TRUE(invalid_answer(m, json::array()));
}

TEST(InputRound, AnswerReturnsTheGivenAnswerOrNothing) {
    const json yes{{"action", "accept"}, {"content", {{"ok", true}}}};
    input_round round(json{{"confirm", yes}}, nullptr);
    EXPECT_EQ(round.answer("confirm", "elicitation/create"), yes);
    EXPECT_EQ(round.answer("other", "elicitation/create"), std::nullopt);
}

TEST(InputRound, MalformedAnswerToAnAskedQuestionIsInvalidParams) {
    input_round round(json{{"confirm", {{"action", "maybe"}}}, {"model", {{"role", "assistant"}}}}, nullptr);
    try {
        (void)round.answer("confirm", "elicitation/create");
        FAIL() << "a malformed answer must throw request_error_signal";
    } catch (const request_error_signal& s) {
        EXPECT_EQ(s.err.code, jsonrpc::error_code::invalid_params);
        EXPECT_NE(s.err.message.find("inputResponses.confirm"), std::string::npos) << s.err.message;
        EXPECT_NE(s.err.message.find("ElicitResult"), std::string::npos) << s.err.message;
    }
    EXPECT_THROW((void)round.answer("model", "sampling/createMessage"), request_error_signal);
    // The same answer under a method whose result shape it has is fine.
    input_round other(json{{"k", {{"roots", json::array()}}}}, nullptr);
    EXPECT_TRUE(other.answer("k", "roots/list"));
    EXPECT_THROW((void)other.answer("k", "elicitation/create"), request_error_signal);
}

TEST(InputRound, SignalsAreNotStdExceptions) {
    // A handler's catch (const std::exception&) must not swallow them.
    static_assert(!std::is_base_of_v<std::exception, input_required_signal>);
    static_assert(!std::is_base_of_v<std::exception, request_error_signal>);
    input_round round(json{{"k", "not an object"}}, nullptr);
    bool swallowed = false;
    EXPECT_THROW(
        {
            try {
                (void)round.answer("k", "roots/list");
            } catch (const std::exception&) {
                swallowed = true;
            }
        },
        request_error_signal);
    EXPECT_FALSE(swallowed);
}

TEST(InputRound, AskedAnswersKeepOnlyAskedKeys) {
    const json a{{"action", "accept"}, {"content", {{"name", "Ada"}}}};
    const json b{{"action", "decline"}};
    input_round round(json{{"step1", a}, {"step2", b}, {"unsolicited", {{"x", 1}}}}, nullptr);
    EXPECT_EQ(round.asked_answers(), json::object()) << "nothing asked yet";
    (void)round.answer("step1", "elicitation/create");
    (void)round.answer("step3", "elicitation/create");  // asked, not answered
    EXPECT_EQ(round.asked_answers(), (json{{"step1", a}}));
    (void)round.answer("step2", "elicitation/create");
    EXPECT_EQ(round.asked_answers(), (json{{"step1", a}, {"step2", b}}));
}

TEST(InputRound, NextKeyIsDeterministic) {
    const auto keys = [] {
        input_round round(json::object(), nullptr);
        return std::vector<std::string>{round.next_key("elicitation/create"), round.next_key("sampling/createMessage"),
                                        round.next_key("roots/list"), round.next_key("elicitation/create")};
    };
    const auto first = keys();
    EXPECT_EQ(first, (std::vector<std::string>{"elicit_1", "sample_2", "roots_3", "elicit_4"}));
    EXPECT_EQ(keys(), first) << "a re-run asking the same things gets the same keys";
}

TEST(InputRound, AppStateIsKeptAndReplaced) {
    input_round round(json::object(), json{{"step", 1}});
    EXPECT_EQ(round.app_state(), (json{{"step", 1}}));
    round.set_app_state(json{{"step", 2}});
    EXPECT_EQ(round.app_state(), (json{{"step", 2}}));
    EXPECT_TRUE(input_round(json::object(), nullptr).app_state().is_null());
}

TEST(InputRound, CapabilitiesAndMethods) {
    EXPECT_EQ(capability_for("elicitation/create"), "elicitation");
    EXPECT_EQ(capability_for("sampling/createMessage"), "sampling");
    EXPECT_EQ(capability_for("roots/list"), "roots");
    EXPECT_EQ(capability_for("ping"), "");
    EXPECT_EQ(capability_for("tools/call"), "");
    EXPECT_TRUE(may_require_input("tools/call"));
    EXPECT_TRUE(may_require_input("prompts/get"));
    EXPECT_TRUE(may_require_input("resources/read"));
    EXPECT_FALSE(may_require_input("tools/list"));
    EXPECT_FALSE(may_require_input("completion/complete"));
    EXPECT_FALSE(may_require_input("server/discover"));
}

}  // namespace
}  // namespace arcade_mcp::detail
