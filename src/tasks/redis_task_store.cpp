// The Redis task store (redis_task_store.hpp) on hiredis's synchronous API: a small pool of
// connections behind a mutex, each read-modify-write one Lua script (redis_task_scripts.hpp). A
// task is the hash key_prefix + id; an owner's tasks the sorted set key_prefix + "owner:" +
// hex(sha256(owner)) scored by a creation number; every task the set key_prefix + "all" scored by
// its expiry (the total cap).
#include "tasks/redis_task_store.hpp"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "tasks/redis_task_scripts.hpp"
#include "util/random.hpp"

namespace arcade_mcp::tasks {
namespace {

namespace lua = redis_scripts;
using std::chrono::milliseconds;

struct reply_free {
    void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_free>;
struct context_free {
    void operator()(redisContext* c) const noexcept { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_free>;

std::string hex_digest(const EVP_MD* md, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &n, md, nullptr) != 1) throw std::runtime_error("EVP_Digest");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) (out += hex[digest[i] >> 4]) += hex[digest[i] & 15];
    return out;
}

/// Ids are exactly what create makes (32 lower-case hex): anything else is unknown, and can never
/// name one of the store's other keys.
bool valid_id(std::string_view id) {
    return id.size() == 32 &&
           std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

template <typename Int>
std::optional<Int> parse_int(std::string_view s) {
    Int v{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string_view text(const redisReply* r) {
    return r != nullptr && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
               ? std::string_view(r->str, r->len)
               : std::string_view();
}

/// key, JSON text, key, JSON text, ... (script arguments; a non-object adds nothing).
void append_pairs(std::vector<std::string>& args, const json& object) {
    if (!object.is_object()) return;
    for (const auto& [k, v] : object.items()) args.insert(args.end(), {k, dump(v)});
}

[[noreturn]] void malformed(std::string_view what) {
    throw task_store_unavailable("Redis task store: malformed task record (" + std::string(what) + ")");
}

/// A task hash as HGETALL returns it (field, value, field, value, ...).
task_record parse_record(const redisReply& r) {
    using string_field = std::string task_record::*;
    using int_field = std::int64_t task_record::*;
    static const std::map<std::string_view, string_field> strings = {{"id", &task_record::id},
                                                                     {"owner", &task_record::owner},
                                                                     {"status_message", &task_record::status_message},
                                                                     {"runner", &task_record::runner}};
    static const std::map<std::string_view, int_field> ints = {{"created_at_ms", &task_record::created_at_ms},
                                                               {"last_updated_at_ms", &task_record::last_updated_at_ms},
                                                               {"ttl_ms", &task_record::ttl_ms},
                                                               {"poll_interval_ms", &task_record::poll_interval_ms},
                                                               {"heartbeat_ms", &task_record::heartbeat_ms}};
    if (r.type != REDIS_REPLY_ARRAY || r.elements % 2 != 0) malformed("not a hash");
    const auto value = [](std::string_view v, std::string_view field) {
        json j = json::parse(v, nullptr, false);
        if (j.is_discarded()) malformed(field);
        return j;
    };
    task_record t;
    std::map<std::uint64_t, std::string> asked;  // ordinal -> key
    for (std::size_t i = 0; i < r.elements; i += 2) {
        const std::string_view f = text(r.element[i]), v = text(r.element[i + 1]);
        if (const auto s = strings.find(f); s != strings.end()) {
            t.*(s->second) = v;
        } else if (const auto n = ints.find(f); n != ints.end()) {
            const auto parsed = parse_int<std::int64_t>(v);
            if (!parsed) malformed(f);
            t.*(n->second) = *parsed;
        } else if (f.starts_with("req:")) {
            t.input_requests[std::string(f.substr(4))] = value(v, f);
        } else if (f.starts_with("res:")) {
            t.input_responses[std::string(f.substr(4))] = value(v, f);
        } else if (f.starts_with("ask:")) {
            const auto ordinal = parse_int<std::uint64_t>(v);
            if (!ordinal) malformed(f);
            asked.emplace(*ordinal, f.substr(4));
        } else if (f == "status") {
            const auto status = parse_status(v);
            if (!status) malformed(f);
            t.status = *status;
        } else if (f == "outcome") {
            if (!v.empty()) t.outcome = value(v, f);
        } else if (f == "cancel_requested") {
            t.cancel_requested = v == "1";
        } else if (f == "version") {
            const auto version = parse_int<std::uint64_t>(v);
            if (!version) malformed(f);
            t.version = *version;
        }
    }
    if (!valid_id(t.id)) malformed("id");
    for (auto& [ordinal, key] : asked) t.asked_keys.push_back(std::move(key));
    return t;
}

/// List cursors: "c" + the creation number of the last task shown + ":" + its id.
std::string make_cursor(std::string_view score, std::string_view id) {
    return "c" + std::string(score) + ":" + std::string(id);
}

std::optional<std::uint64_t> parse_score_cursor(std::string_view cursor) {
    const auto colon = cursor.find(':');
    if (cursor.size() < 2 || cursor.front() != 'c' || colon == std::string_view::npos) return std::nullopt;
    const std::string_view digits = cursor.substr(1, colon - 1);
    const auto seq = parse_int<std::uint64_t>(digits);
    if (!seq || *seq == 0 || digits.front() == '0' || digits.size() > 15) return std::nullopt;
    if (!valid_id(cursor.substr(colon + 1))) return std::nullopt;
    return seq;
}

struct script {
    explicit script(std::string_view body) : text(std::string(lua::lua_prelude) + std::string(body)) {
        sha = hex_digest(EVP_sha1(), text);
    }
    std::string text;
    std::string sha;
};

class redis_task_store final : public task_store {
public:
    redis_task_store(redis_settings settings, task_limits limits)
        : task_store(limits),
          settings_(std::move(settings)),
          where_("Redis task store (" + settings_.host + ":" + std::to_string(settings_.port) + ")"),
          all_key_(settings_.key_prefix + "all"),
          seq_key_(settings_.key_prefix + "seq") {}

    create_result create(const std::string& owner, std::optional<milliseconds> requested_ttl,
                         const std::string& runner_id) override {
        const milliseconds most = std::max(limits_.max_ttl, milliseconds(1));
        const auto ttl = std::clamp(requested_ttl.value_or(limits_.default_ttl), milliseconds(1), most);
        for (int attempt = 0; attempt < 4; ++attempt) {
            const std::string id = arcade_mcp::detail::random_hex(16);
            const reply_ptr r =
                eval(create_, {key(id), owner_key(owner), all_key_, seq_key_},
                     {id, owner, std::to_string(ttl.count()), std::to_string(limits_.poll_interval.count()), runner_id,
                      std::to_string(limits_.max_per_owner), std::to_string(limits_.max_total), settings_.key_prefix},
                     false);
            if (r->type == REDIS_REPLY_ARRAY) return {parse_record(*r), create_refusal::none};
            if (text(r.get()) == "owner_cap") return {std::nullopt, create_refusal::owner_cap};
            if (text(r.get()) == "total_cap") return {std::nullopt, create_refusal::total_cap};
        }
        throw task_store_unavailable(where_ + ": could not allocate a task id");
    }

    std::optional<task_record> get(std::string_view id, std::string_view owner) override {
        if (!valid_id(id)) return std::nullopt;
        const reply_ptr r =
            eval(get_, {key(id)}, {std::string(owner), stale_ms(), std::string(lua::stale_outcome)}, true);
        if (r->type != REDIS_REPLY_ARRAY) return std::nullopt;
        return parse_record(*r);
    }

    std::optional<task_page> list(std::string_view owner, std::string_view cursor, std::size_t limit) override {
        std::string from = "-inf";
        if (!cursor.empty()) {
            const auto seq = parse_score_cursor(cursor);
            if (!seq) return std::nullopt;
            from = "(" + std::to_string(*seq);
        }
        const std::size_t most = std::clamp<std::size_t>(limit, 1, 1000);
        const reply_ptr r = eval(list_, {owner_key(owner)},
                                 {std::string(owner), from, std::to_string(most + 1), settings_.key_prefix, stale_ms(),
                                  std::string(lua::stale_outcome)},
                                 true);
        task_page page;
        if (r->type != REDIS_REPLY_ARRAY) malformed("list");
        std::string_view last_score;
        for (std::size_t i = 0; i < r->elements && page.tasks.size() < most; ++i) {
            const redisReply* entry = r->element[i];
            if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) malformed("list entry");
            page.tasks.push_back(parse_record(*entry->element[1]));
            last_score = text(entry->element[0]);
        }
        if (r->elements > most) page.next_cursor = make_cursor(last_score, page.tasks.back().id);
        return page;
    }

    answer_result answer(std::string_view id, std::string_view owner, const json& responses) override {
        if (!valid_id(id)) return {};
        std::vector<std::string> args{std::string(owner)};
        append_pairs(args, responses);
        const reply_ptr r = eval(answer_, {key(id)}, std::move(args), false);
        if (r->type != REDIS_REPLY_ARRAY) return {};
        answer_result result{true, {}};
        for (std::size_t i = 0; i < r->elements; ++i) result.accepted.emplace_back(text(r->element[i]));
        return result;
    }

    std::optional<task_record> cancel(std::string_view id, std::string_view owner) override {
        if (!valid_id(id)) return std::nullopt;
        const reply_ptr r = eval(cancel_, {key(id)}, {std::string(owner), std::string(lua::cancelled_outcome)}, false);
        if (r->type != REDIS_REPLY_ARRAY) return std::nullopt;
        return parse_record(*r);
    }

    std::optional<task_record> load(std::string_view id) override {
        if (!valid_id(id)) return std::nullopt;
        const reply_ptr r = command({"HGETALL", key(id)}, true);
        if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return std::nullopt;
        return parse_record(*r);
    }

    bool set_status_message(std::string_view id, std::string message) override {
        if (!valid_id(id)) return false;
        return eval(status_message_, {key(id)}, {std::move(message)}, true)->integer == 1;
    }

    bool ask(std::string_view id, const json& requests) override {
        if (!valid_id(id)) return false;
        std::vector<std::string> args;
        append_pairs(args, requests);
        return eval(ask_, {key(id)}, std::move(args), true)->integer == 1;
    }

    json take_answers(std::string_view id) override {
        json answers = json::object();
        if (!valid_id(id)) return answers;
        const reply_ptr r = eval(take_answers_, {key(id)}, {}, false);
        if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0) malformed("answers");
        for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
            json v = json::parse(text(r->element[i + 1]), nullptr, false);
            if (v.is_discarded()) malformed("answer");
            answers[std::string(text(r->element[i]))] = std::move(v);
        }
        return answers;
    }

    bool finish(std::string_view id, task_status terminal, json outcome) override {
        if (!is_terminal(terminal)) throw std::invalid_argument("finish needs a terminal status");
        if (!valid_id(id)) return false;
        return eval(finish_, {key(id)}, {std::string(to_string(terminal)), dump(outcome)}, false)->integer == 1;
    }

    void heartbeat(const std::vector<std::string>& ids) override {
        std::vector<std::string> keys;
        for (const auto& id : ids)
            if (valid_id(id)) keys.push_back(key(id));
        if (!keys.empty()) eval(heartbeat_, std::move(keys), {}, true);
    }

    std::optional<task_record> wait_for_change(std::string_view id, std::uint64_t seen_version,
                                               std::chrono::steady_clock::time_point deadline) override {
        if (!valid_id(id)) return std::nullopt;
        for (;;) {
            // Only the version is read while waiting; no connection or lock is held while sleeping.
            const reply_ptr r = command({"HGET", key(id), "version"}, true);
            if (r->type != REDIS_REPLY_STRING) return std::nullopt;  // gone
            const auto now = std::chrono::steady_clock::now();
            if (parse_int<std::uint64_t>(text(r.get())) != seen_version || now >= deadline) return load(id);
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(milliseconds(50), deadline - now));
        }
    }

    std::size_t size() override {
        const reply_ptr r = eval(size_, {all_key_}, {}, true);
        return r->integer > 0 ? static_cast<std::size_t>(r->integer) : 0;
    }

    bool shared() const noexcept override { return true; }

private:
    std::string key(std::string_view id) const { return settings_.key_prefix + std::string(id); }
    std::string owner_key(std::string_view owner) const {
        return settings_.key_prefix + "owner:" + hex_digest(EVP_sha256(), owner);
    }
    std::string stale_ms() const { return std::to_string(limits_.stale_after.count()); }

    /// A new connection, authenticated and on the right database. Throws task_store_unavailable.
    context_ptr connect() {
        const auto ms = std::max<long long>(settings_.timeout.count(), 1);
        const timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
        context_ptr c(redisConnectWithTimeout(settings_.host.c_str(), settings_.port, tv));
        if (!c) throw task_store_unavailable(where_ + ": cannot allocate a connection");
        if (c->err != 0) throw task_store_unavailable(where_ + ": " + c->errstr);
        if (redisSetTimeout(c.get(), tv) != REDIS_OK) throw task_store_unavailable(where_ + ": " + c->errstr);
        if (!settings_.password.empty()) {
            std::vector<std::string> auth{"AUTH"};
            if (!settings_.username.empty()) auth.push_back(settings_.username);
            auth.push_back(settings_.password);
            run_on(c, auth, "authentication failed: ");
        }
        if (settings_.database != 0) run_on(c, {"SELECT", std::to_string(settings_.database)}, "SELECT failed: ");
        return c;
    }

    /// One command on a fresh connection during connect (its error reply is never an argument).
    void run_on(context_ptr& c, const std::vector<std::string>& args, std::string_view what) {
        const reply_ptr r = send(c.get(), args);
        if (!r) throw task_store_unavailable(where_ + ": " + c->errstr);
        if (r->type == REDIS_REPLY_ERROR) throw task_store_unavailable(where_ + ": " + std::string(what) + r->str);
    }

    static reply_ptr send(redisContext* c, const std::vector<std::string>& args) {
        std::vector<const char*> argv;
        std::vector<std::size_t> lens;
        for (const auto& a : args) {
            argv.push_back(a.data());
            lens.push_back(a.size());
        }
        return reply_ptr(
            static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
    }

    /// Runs one command on a pooled connection; an error reply throws (NOSCRIPT is returned when
    /// `noscript_ok`). On a connection error the connection and every idle one are dropped (the next
    /// call reconnects); an idempotent command that failed on a reused connection is tried again.
    reply_ptr command(const std::vector<std::string>& args, bool idempotent, bool noscript_ok = false) {
        for (int attempt = 0;; ++attempt) {
            context_ptr c;
            {
                std::lock_guard lock(mutex_);
                if (!idle_.empty()) {
                    c = std::move(idle_.back());
                    idle_.pop_back();
                }
            }
            const bool reused = c != nullptr;
            if (!c) c = connect();
            reply_ptr r = send(c.get(), args);
            if (r) {
                std::unique_lock lock(mutex_);
                if (idle_.size() < max_idle) idle_.push_back(std::move(c));
                lock.unlock();
                const std::string_view error = r->type == REDIS_REPLY_ERROR ? std::string_view(r->str, r->len) : "";
                if (error.empty() || (noscript_ok && error.starts_with("NOSCRIPT"))) return r;
                throw task_store_unavailable(where_ + ": " + std::string(error));
            }
            const std::string error = c->err != 0 ? c->errstr : "no reply";
            {
                std::lock_guard lock(mutex_);
                idle_.clear();
            }
            if (!(idempotent && reused && attempt == 0)) throw task_store_unavailable(where_ + ": " + error);
        }
    }

    /// EVALSHA, loading the script with EVAL when Redis does not know it yet (NOSCRIPT).
    reply_ptr eval(const script& s, std::vector<std::string> keys, std::vector<std::string> args, bool idempotent) {
        std::vector<std::string> cmd{"EVALSHA", s.sha, std::to_string(keys.size())};
        for (auto& k : keys) cmd.push_back(std::move(k));
        for (auto& a : args) cmd.push_back(std::move(a));
        reply_ptr r = command(cmd, idempotent, true);
        if (r->type != REDIS_REPLY_ERROR) return r;
        cmd[0] = "EVAL";
        cmd[1] = s.text;
        return command(cmd, idempotent);
    }

    static constexpr std::size_t max_idle = 8;
    redis_settings settings_;
    std::string where_;  ///< host and port for messages; never the password
    std::string all_key_, seq_key_;
    std::mutex mutex_;
    std::vector<context_ptr> idle_;
    const script create_{lua::lua_create}, get_{lua::lua_get}, list_{lua::lua_list}, answer_{lua::lua_answer},
        cancel_{lua::lua_cancel}, status_message_{lua::lua_status_message}, ask_{lua::lua_ask},
        take_answers_{lua::lua_take_answers}, finish_{lua::lua_finish}, heartbeat_{lua::lua_heartbeat},
        size_{lua::lua_size};
};

/// %XX decoding of the user name and password; std::nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned v = static_cast<unsigned char>(s[i]);
        if (s[i] == '%') {
            const char* hex = s.data() + i + 1;
            if (i + 2 >= s.size() || std::from_chars(hex, hex + 2, v, 16).ptr != hex + 2) return std::nullopt;
            i += 2;
        }
        out += static_cast<char>(v);
    }
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

}  // namespace

std::optional<redis_settings> parse_redis_url(std::string_view url, std::string& why) {
    // Messages never quote the URL: it may hold the password.
    const auto fail = [&why](std::string message) -> std::optional<redis_settings> {
        why = std::move(message);
        return std::nullopt;
    };
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) return fail("not a redis:// URL");
    std::string scheme(url.substr(0, sep));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (scheme == "rediss") return fail("rediss:// (TLS) is not supported; use redis://");
    if (scheme != "redis") return fail("unsupported URL scheme (expected redis://)");
    std::string_view rest = url.substr(sep + 3);
    if (rest.find_first_of("?#") != std::string_view::npos)
        return fail("query strings and fragments are not supported");

    redis_settings s;
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const auto colon = userinfo.find(':');
        if (colon == std::string_view::npos) return fail("user info without a password (expected [user]:password@)");
        auto user = percent_decode(userinfo.substr(0, colon));
        auto password = percent_decode(userinfo.substr(colon + 1));
        if (!user || !password) return fail("bad %-escape in the user name or password");
        if (password->empty()) return fail("empty password (leave out the user info instead)");
        s.username = std::move(*user);
        s.password = std::move(*password);
    }
    std::optional<std::string_view> port;
    if (authority.starts_with('[')) {  // IPv6 literal
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return fail("unterminated [IPv6] host");
        s.host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) return fail("unexpected characters after the [IPv6] host");
        if (!after.empty()) port = after.substr(1);
        const bool ok = !s.host.empty() && std::all_of(s.host.begin(), s.host.end(), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
        });
        if (!ok) return fail("bad IPv6 host");
    } else {
        const auto colon = authority.find(':');
        s.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
        if (s.host.empty()) return fail("missing host");
        if (!std::all_of(s.host.begin(), s.host.end(), host_char)) return fail("bad host name");
    }
    if (port) {
        const auto p = all_digits(*port) && port->size() <= 5 ? parse_int<int>(*port) : std::nullopt;
        if (!p || *p < 1 || *p > 65535) return fail("bad port (expected 1-65535)");
        s.port = *p;
    }
    if (!path.empty()) {  // "redis://host/" is database 0
        const auto db = all_digits(path) && path.size() <= 9 ? parse_int<int>(path) : std::nullopt;
        if (!db) return fail("bad database number (expected /0, /1, ...)");
        s.database = *db;
    }
    return s;
}

std::unique_ptr<task_store> make_redis_task_store(redis_settings settings, task_limits limits) {
    return std::make_unique<redis_task_store>(std::move(settings), limits);
}

}  // namespace arcade_mcp::tasks
