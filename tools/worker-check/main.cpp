// arcade-worker-check: operator CLI for Arcade workers.
//   mint-token    print one worker JWT (for curl against /worker/tools)
//   engine-check  do what the Arcade engine and `arcade deploy` do against a worker URL and print a
//                 PASS/WARN/FAIL checklist (exit 0 when nothing failed)
// The worker secret is read from an environment variable or a file, never from the command line
// (it would land in shell history and `ps`). Neither the secret nor a token is ever printed by
// engine-check.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "engine_check.hpp"
#include "http_client.hpp"

namespace {

using namespace arcade_worker_check;

constexpr int k_exit_usage = 2;

/// Where the worker secret comes from: an environment variable (default) or a file.
struct secret_source {
    std::string env_name = "ARCADE_WORKER_SECRET";
    std::string file;
};

void add_secret_options(CLI::App& cmd, secret_source& src) {
    auto* env = cmd.add_option("--secret-env", src.env_name,
                               "Environment variable holding the worker secret (default ARCADE_WORKER_SECRET)");
    auto* file = cmd.add_option("--secret-file", src.file,
                                "File holding the worker secret (one trailing newline is ignored)")
                     ->check(CLI::ExistingFile);
    env->excludes(file);
}

/// The secret, or std::nullopt with a message on stderr. One trailing "\n" / "\r\n" of a file is
/// dropped (echo > file); everything else is used byte for byte, like the worker does.
std::optional<std::string> read_secret(const secret_source& src) {
    std::string secret;
    std::string origin;
    if (!src.file.empty()) {
        std::ifstream in(src.file, std::ios::binary);
        if (!in) {
            std::cerr << "arcade-worker-check: cannot read " << src.file << '\n';
            return std::nullopt;
        }
        secret.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!secret.empty() && secret.back() == '\n') secret.pop_back();
        if (!secret.empty() && secret.back() == '\r') secret.pop_back();
        origin = "file " + src.file;
    } else {
        const char* value = std::getenv(src.env_name.c_str());
        if (value != nullptr) secret = value;
        origin = "environment variable " + src.env_name;
    }
    if (secret.empty()) {
        std::cerr << "arcade-worker-check: the worker secret is empty or unset (" << origin
                  << "); set it or use --secret-env NAME / --secret-file PATH\n";
        return std::nullopt;
    }
    return secret;
}

/// A friendlier error than "unexpected argument" for people who try to pass the secret itself.
bool refuses_plain_secret(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--secret" || arg.rfind("--secret=", 0) == 0) {
            std::cerr << "arcade-worker-check: the secret is never taken as a command-line value (shell history, ps); "
                         "use --secret-env NAME or --secret-file PATH\n";
            return true;
        }
    }
    return false;
}

int mint_token(const secret_source& src, std::int64_t ttl) {
    const auto secret = read_secret(src);
    if (!secret) return k_exit_usage;
    std::cout << arcade_mcp::detail::mint_worker_token(*secret, unix_now(), ttl) << '\n';
    return 0;
}

int engine_check(const std::string& url_text, const secret_source& src, const std::string& user_id, int timeout_s,
                 bool insecure) {
    std::string error;
    auto url = parse_url(url_text, error);
    if (!url) {
        std::cerr << "arcade-worker-check: invalid URL: " << error << '\n';
        return k_exit_usage;
    }
    const auto secret = read_secret(src);
    if (!secret) return k_exit_usage;

    engine_check_options options;
    options.url = std::move(*url);
    options.secret = *secret;
    options.user_id = user_id;
    options.timeout = std::chrono::seconds(timeout_s);
    options.insecure = insecure;

    std::cout << "engine-check " << url_text << " (user id " << user_id << ", token Bearer <redacted>)\n" << std::flush;
    const auto results =
        run_engine_check(options, [](const step_result& r) { std::cout << format_step(r) << '\n'
                                                                       << std::flush; });
    std::cout << format_summary(results) << '\n';
    return all_passed(results) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (refuses_plain_secret(argc, argv)) return k_exit_usage;

    CLI::App app{"Operator checks for Arcade workers (arcade-mcp-cpp). Exit codes: 0 ok, 1 a check failed, 2 usage."};
    app.name("arcade-worker-check");
    app.require_subcommand(1);

    secret_source mint_src;
    std::int64_t ttl = 300;
    auto* mint = app.add_subcommand("mint-token",
                                    "Print one worker JWT (HS256, aud \"worker\", ver \"1\", iat now, exp now+ttl)");
    add_secret_options(*mint, mint_src);
    mint->add_option("--ttl", ttl, "Token lifetime in seconds (default 300)")->check(CLI::Range(1, 7 * 24 * 3600));

    secret_source check_src;
    std::string url;
    std::string user_id = "engine-check-user";
    int timeout_s = 10;
    bool insecure = false;
    auto* check = app.add_subcommand(
        "engine-check",
        "Call a worker like the Arcade engine and `arcade deploy` do (resolve + public-only check, /worker/health, "
        "/worker/tools with and without a token, /worker/tools/invoke Whoami, /mcp initialize) and print a checklist");
    check->add_option("URL", url, "Worker base URL, e.g. https://arcade-eval-ref.example.com or http://127.0.0.1:8000")
        ->required();
    add_secret_options(*check, check_src);
    check->add_option("--user-id", user_id, "context.user_id sent to Whoami (default engine-check-user)");
    check->add_option("--timeout", timeout_s, "Per-request deadline in seconds (default 10)")
        ->check(CLI::Range(1, 600));
    check->add_flag("--insecure", insecure, "https: do not verify the certificate or host name (reported as WARN)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : k_exit_usage;
    }

    try {
        if (mint->parsed()) return mint_token(mint_src, ttl);
        return engine_check(url, check_src, user_id, timeout_s, insecure);
    } catch (const std::exception& e) {
        std::cerr << "arcade-worker-check: " << e.what() << '\n';
        return k_exit_usage;
    }
}
