// The JWK Set cache of one authorization server (see jwks_source.hpp): lifetime, unknown-kid
// cool-down, failure back-off, single-flight fetches (fetch_mu_, held across the network; the
// state lock mu_ never is, so I/O threads asking needs_fetch() never wait on a fetch), discovery
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
    return attempted_ && !last_failure_.empty() && now < failed_at_ + settings_.failure_retry;
}

void jwks_source::start_attempt_locked(time_point now) {
    ++fetches_;
    attempted_ = true;
    last_attempt_ = now;
}

std::shared_ptr<const jwk_set> jwks_source::keys(time_point now) {
    {
        const std::lock_guard lock(mu_);
        if (fresh_locked(now)) return set_;
        if (backing_off_locked(now)) return nullptr;
    }
    const std::lock_guard one_fetch(fetch_mu_);
    {
        const std::lock_guard lock(mu_);  // another caller may have fetched while this one waited
        if (fresh_locked(now)) return set_;
        if (backing_off_locked(now)) return nullptr;
        start_attempt_locked(now);
    }
    return fetch(now);
}

std::shared_ptr<const jwk_set> jwks_source::refresh_for_unknown_kid(time_point now) {
    {
        const std::lock_guard lock(mu_);
        const bool cooling_down = attempted_ && now < last_attempt_ + settings_.unknown_kid_cooldown;
        if (cooling_down || backing_off_locked(now)) return fresh_locked(now) ? set_ : nullptr;
        start_attempt_locked(now);  // from now on other unknown kids see the cool-down
    }
    const std::lock_guard one_fetch(fetch_mu_);
    return fetch(now);
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

std::string jwks_source::discover(std::string& jwks_uri) {
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

std::shared_ptr<const jwk_set> jwks_source::fetch(time_point now) {
    const auto started = std::chrono::steady_clock::now();
    const bool discovering = settings_.jwks_uri.empty();
    std::string uri = discovering ? resolved_jwks_uri_ : settings_.jwks_uri;
    std::string cause;
    std::optional<jwk_set> parsed;
    if (uri.empty()) cause = discover(uri);
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

    // The back-off runs from the end of the attempt (a discovery may take several timeouts).
    const auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    std::vector<std::string> lines;  // logged after the state lock is released
    std::shared_ptr<const jwk_set> result;
    {
        const std::lock_guard lock(mu_);
        if (!cause.empty()) {
            if (cause != last_failure_)
                lines.push_back(cause + (fresh_locked(now) ? "; keeping the previous keys until they expire"
                                                           : "; tokens are refused until a fetch succeeds"));
            last_failure_ = std::move(cause);
            failed_at_ = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(took);
            if (!fresh_locked(now)) set_.reset();  // fail closed
        } else {
            const std::string what = "JWK Set " + printable(uri, 200) + ": ";
            if (!last_failure_.empty())
                lines.push_back(what + "fetched again (" + std::to_string(parsed->keys.size()) +
                                " usable keys) after: " + last_failure_);
            last_failure_.clear();
            if (parsed->skipped != last_skipped_) {
                for (const auto& line : parsed->skipped) lines.push_back(what + line);
                last_skipped_ = parsed->skipped;
            }
            set_ = std::make_shared<const jwk_set>(std::move(*parsed));
            fetched_at_ = now;
        }
        result = set_;
    }
    for (const auto& line : lines) log(line);
    return result;
}

}  // namespace arcade_mcp::detail::auth
