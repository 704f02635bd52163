// The JWK Set cache of one authorization server (see jwks_source.hpp): lifetime, unknown-kid
// cool-down, failure back-off, single-flight fetches under one mutex, metadata discovery
// (RFC 8414 §3, OpenID Connect Discovery §4) and log lines that name each failure cause once.
#include "auth/jwks_source.hpp"

#include <utility>

#include "auth/strict_json.hpp"

namespace arcade_mcp::detail::auth {
namespace {

using time_point = std::chrono::steady_clock::time_point;

constexpr json_limits metadata_limits{.max_depth = 16, .max_string_bytes = 64 * 1024, .max_batch_members = 0};

/// The metadata URLs to try for `issuer`, in order (the MCP authorization spec's order): with a
/// path, OAuth with the path inserted, OpenID with the path inserted, OpenID appended; without
/// one, OAuth then OpenID. Empty when the issuer is not a URL without query and fragment.
std::vector<std::string> discovery_urls(const std::string& issuer) {
    const auto scheme_end = issuer.find("://");
    if (scheme_end == std::string::npos || issuer.find_first_of("?#") != std::string::npos) return {};
    const auto path_start = issuer.find('/', scheme_end + 3);
    const std::string origin = issuer.substr(0, path_start);
    std::string path = path_start == std::string::npos ? "" : issuer.substr(path_start);
    while (!path.empty() && path.back() == '/') path.pop_back();
    const std::string oauth = "/.well-known/oauth-authorization-server";
    const std::string openid = "/.well-known/openid-configuration";
    if (path.empty()) return {origin + oauth, origin + openid};
    return {origin + oauth + path, origin + openid + path, origin + path + openid};
}

}  // namespace

jwks_source::jwks_source(settings s, fetch_function fetch, std::function<void(const std::string&)> log_line)
    : settings_(std::move(s)), fetch_(std::move(fetch)), log_line_(std::move(log_line)) {}

bool jwks_source::fresh_locked(time_point now) const {
    return set_ && now < fetched_at_ + settings_.lifetime;
}

bool jwks_source::backing_off_locked(time_point now) const {
    return attempted_ && !last_failure_.empty() && now < last_attempt_ + settings_.failure_retry;
}

std::shared_ptr<const jwk_set> jwks_source::keys(time_point now) {
    const std::lock_guard lock(mu_);
    if (fresh_locked(now)) return set_;
    if (backing_off_locked(now)) return nullptr;
    return fetch_locked(now);
}

std::shared_ptr<const jwk_set> jwks_source::refresh_for_unknown_kid(time_point now) {
    const std::lock_guard lock(mu_);
    const bool cooling_down = attempted_ && now < last_attempt_ + settings_.unknown_kid_cooldown;
    if (cooling_down || backing_off_locked(now)) return fresh_locked(now) ? set_ : nullptr;
    return fetch_locked(now);
}

bool jwks_source::unknown_kid_would_fetch(time_point now) const {
    const std::lock_guard lock(mu_);
    const bool cooling_down = attempted_ && now < last_attempt_ + settings_.unknown_kid_cooldown;
    return !cooling_down && !backing_off_locked(now);
}

bool jwks_source::needs_fetch(time_point now) const {
    const std::lock_guard lock(mu_);
    return !fresh_locked(now) && !backing_off_locked(now);
}

std::size_t jwks_source::fetch_count() const {
    const std::lock_guard lock(mu_);
    return fetches_;
}

void jwks_source::log(const std::string& line) const {
    if (!log_line_) return;
    try {
        log_line_(line);
    } catch (...) {  // a failing logger must not break key fetching
    }
}

fetch_result jwks_source::get(const std::string& url) {
    fetch_result r;
    try {
        if (fetch_) return fetch_(url);
        r.error = "no fetch function";
    } catch (const std::exception& e) {
        r = fetch_result{};
        r.error = std::string("fetch failed: ") + e.what();
    } catch (...) {
        r = fetch_result{};
        r.error = "fetch failed";
    }
    return r;
}

std::string jwks_source::discover_locked(std::string& jwks_uri) {
    const std::string prefix = "discovery of the JWK Set of issuer " + printable(settings_.issuer, 200) + " failed: ";
    const auto urls = discovery_urls(settings_.issuer);
    if (urls.empty()) return prefix + "the issuer is not a URL without query and fragment";
    if (!fetchable_url(urls.front())) return prefix + "the issuer is not https (or http to a loopback address)";
    std::string notes;
    for (const auto& url : urls) {
        if (!notes.empty()) notes += "; ";
        notes += url + ": ";
        const fetch_result r = get(url);
        if (!r.ok) {
            notes += r.error;
            continue;
        }
        const auto [status, metadata] = parse_strict_object(r.body, &metadata_limits);
        if (status != strict_parse_status::ok) {
            notes += "not a JSON object";
            continue;
        }
        const auto issuer = metadata.find("issuer");
        if (issuer == metadata.end() || !issuer->is_string() || *issuer != settings_.issuer) {
            notes += "the metadata names another issuer";
            if (issuer != metadata.end() && issuer->is_string())
                notes += " (\"" + printable(issuer->get_ref<const std::string&>(), 200) + "\")";
            continue;
        }
        const auto uri = metadata.find("jwks_uri");
        if (uri == metadata.end() || !uri->is_string()) {
            notes += "no jwks_uri";
            continue;
        }
        if (!fetchable_url(uri->get_ref<const std::string&>())) {
            notes += "jwks_uri is not https (or http to a loopback address)";
            continue;
        }
        jwks_uri = uri->get<std::string>();
        return {};
    }
    return prefix + notes;
}

std::shared_ptr<const jwk_set> jwks_source::fetch_locked(time_point now) {
    ++fetches_;
    attempted_ = true;
    last_attempt_ = now;
    const bool discovering = settings_.jwks_uri.empty();
    std::string uri = discovering ? resolved_jwks_uri_ : settings_.jwks_uri;
    std::string cause;
    std::optional<jwk_set> parsed;
    if (uri.empty()) cause = discover_locked(uri);
    if (cause.empty()) {
        resolved_jwks_uri_ = discovering ? uri : std::string();
        const std::string what = "JWK Set " + printable(uri, 200) + ": ";
        if (!fetchable_url(uri)) {
            cause = what + "not an https URL (or http to a loopback address)";
        } else if (const fetch_result r = get(uri); !r.ok) {
            cause = what + "fetch failed: " + r.error;
        } else {
            std::string error;
            try {
                parsed = parse_jwk_set(r.body, error);
            } catch (...) {
                error = "could not be parsed";
            }
            if (!parsed)
                cause = what + error;
            else if (parsed->keys.empty())
                cause = what + "no usable key" + (parsed->skipped.empty() ? "" : " (" + parsed->skipped.front() + ")");
        }
        if (!cause.empty()) resolved_jwks_uri_.clear();  // discover again next time: the URI may have moved
    }

    if (!cause.empty()) {
        if (cause != last_failure_)
            log(cause + (fresh_locked(now) ? "; keeping the previous keys until they expire"
                                           : "; tokens are refused until a fetch succeeds"));
        last_failure_ = std::move(cause);
        if (!fresh_locked(now)) set_.reset();  // fail closed
        return set_;
    }
    const std::string what = "JWK Set " + printable(uri, 200) + ": ";
    if (!last_failure_.empty())
        log(what + "fetched again (" + std::to_string(parsed->keys.size()) + " usable keys) after: " + last_failure_);
    last_failure_.clear();
    if (parsed->skipped != last_skipped_) {
        for (const auto& line : parsed->skipped) log(what + line);
        last_skipped_ = parsed->skipped;
    }
    set_ = std::make_shared<const jwk_set>(std::move(*parsed));
    fetched_at_ = now;
    return set_;
}

}  // namespace arcade_mcp::detail::auth
