// Example: asking the user (elicitation) and the client's model (sampling) from inside a tool.
// `book_table` asks the user for the booking details with a typed form (elicit_as<T>); `summarize`
// asks the client's model for a summary (create_message). Each handler blocks on the answer (on
// the worker pool, not the I/O thread) and handles the three other outcomes: the client did not
// declare the capability, the user declined, the client answered with an error.
// Run:   build/release/bin/elicitation_sampling_example   (stdio; a client with elicitation and
//        sampling handlers, e.g. examples/elicitation_sampling/client.mjs, drives it)
// Check: examples/elicitation_sampling/check.sh <binary>
#include <arcade_mcp/mcp.hpp>

#include <string>

namespace {

using namespace arcade_mcp;

struct book_args {
    std::string restaurant;
    static auto describe() { return fields(field("restaurant", &book_args::restaurant, "Where").min_length(1)); }
};

// The form the user fills in: its JSON Schema (a flat object of primitives, as elicitation
// requires) is derived from the fields, and the answer is decoded and validated into the struct.
struct booking_form {
    int guests = 2;
    std::string time;
    static auto describe() {
        return fields(field("guests", &booking_form::guests, "How many people").minimum(1).maximum(12).default_value(2),
                      field("time", &booking_form::time, "When, e.g. 19:30").min_length(1));
    }
};

struct summarize_args {
    std::string text;
    static auto describe() { return fields(field("text", &summarize_args::text, "Text to summarize").min_length(1)); }
};

result<std::string> book_table(tool_context& ctx, const book_args& in) {
    // No elicitation capability: the model must get the details from the user itself.
    if (!ctx.client_supports("elicitation"))
        return tool_error::context_required("This client cannot show a booking form",
                                            "Ask the user for the number of guests and the time.");
    try {
        auto form = ctx.elicit_as<booking_form>("Book a table at " + in.restaurant + "?");
        // std::nullopt: the user declined or cancelled (or sent what does not decode). Not an
        // error: the tool did what the user wanted, which was nothing.
        if (!form) return std::string("No booking made: the user declined");
        return "Booked " + in.restaurant + " for " + std::to_string(form->guests) + " at " + form->time;
    } catch (const client_request_error& e) {  // an error answer, a timeout, or cancellation
        return tool_error::retry("The booking form failed: " + std::string(e.what()));
    }
}

result<std::string> summarize(tool_context& ctx, const summarize_args& in) {
    // No sampling capability: degrade to a cheap summary instead of failing.
    if (!ctx.client_supports("sampling")) {
        const auto dot = in.text.find('.');
        return "(first sentence) " + in.text.substr(0, dot == std::string::npos ? dot : dot + 1);
    }
    try {
        // CreateMessageRequest.params as JSON; create_message(text, max_tokens) is the one-line form.
        const json message{{"role", "user"}, {"content", {{"type", "text"}, {"text", in.text}}}};
        const sampling_result answer =
            ctx.create_message(json{{"messages", json::array({message})},
                                    {"systemPrompt", "Summarize the user's text in one short sentence."},
                                    {"maxTokens", 60}});
        return answer.text() + " (by " + answer.model + ")";
    } catch (const client_request_error& e) {  // e.g. the user refused to let the model run
        return tool_error::retry("The client's model did not answer: " + std::string(e.what()));
    }
}

}  // namespace

int main(int argc, char** argv) {
    server_info info;
    info.name = "concierge";
    info.version = "1.0.0";
    server srv(info);
    // Never non_blocking(): these handlers wait for the client.
    srv.add_tool<book_args>("book_table", "Book a table; asks the user for the details.", book_table);
    srv.add_tool<summarize_args>("summarize", "Summarize a text with the client's model.", summarize);
    return run(srv, argc, argv);
}
