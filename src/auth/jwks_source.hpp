// Where an authorization server's keys come from: its JWK Set over HTTPS (libcurl), cached with a
// lifetime, refetched when a token names an unknown `kid` (at most once per cool-down, since the
// attacker chooses `kid`), and discovered from the issuer's metadata when no `jwks_uri` is given.
// A fetch failure keeps the last good set until it expires, then fails closed; each failure
// cause is logged once until a fetch succeeds again.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwk.hpp"

namespace arcade_mcp::detail::auth {

/// One HTTP GET's outcome.
struct fetch_result {
    bool ok = false;  ///< transport succeeded and status was 2xx
    long status = 0;
    std::string body;
    std::string error;  ///< why not ok (transport error or status), for the log
};

struct fetch_options {
    std::chrono::milliseconds timeout{5000};  ///< whole transfer, connect included
    std::size_t max_bytes = 512 * 1024;       ///< larger bodies fail
    std::string ca_file;                      ///< extra CA bundle (PEM); empty: the system's
};

/// GET `url` with libcurl: https, or http only when the host is a loopback address or
/// "localhost"; no redirects; TLS peer and host verified. Blocking; thread-safe.
fetch_result http_get(const std::string& url, const fetch_options& options);

/// Why http_get cannot work here (libcurl.so.4 missing or broken), or nullopt. Loads libcurl.
std::optional<std::string> http_get_unavailable();

/// Whether `url` may be fetched: https://..., or http:// to 127.0.0.0/8, [::1] or localhost.
bool fetchable_url(std::string_view url);

using fetch_function = std::function<fetch_result(const std::string& url)>;

/// The keys of one authorization server. Thread-safe; fetches are blocking and single-flight.
class jwks_source {
public:
    struct settings {
        std::string jwks_uri;  ///< empty: discover from `issuer`
        std::string issuer;    ///< for discovery: /.well-known/oauth-authorization-server, then openid-configuration
        std::chrono::seconds lifetime{3600};            ///< a fetched set is used this long
        std::chrono::seconds unknown_kid_cooldown{30};  ///< at most one refetch per this, for unknown kids
        /// After a failed fetch, no new attempt for this long: requests meanwhile get the last good set
        /// (while its lifetime lasts) or nothing, instead of each waiting on a dead server.
        std::chrono::seconds failure_retry{5};
    };
    /// `log_line(text)` receives each new failure cause once (and a line when fetching recovers).
    jwks_source(settings s, fetch_function fetch, std::function<void(const std::string&)> log_line);

    /// The current set, fetching it when there is none or it expired. nullptr when no set could
    /// be had (fail closed).
    std::shared_ptr<const jwk_set> keys(std::chrono::steady_clock::time_point now);
    /// Called when a token names a key the current set lacks: refetches unless a fetch happened
    /// within the cool-down, and returns the (possibly new) set.
    std::shared_ptr<const jwk_set> refresh_for_unknown_kid(std::chrono::steady_clock::time_point now);
    /// Whether refresh_for_unknown_kid(now) would fetch (no cool-down or back-off in force).
    bool unknown_kid_would_fetch(std::chrono::steady_clock::time_point now) const;
    /// Whether keys(now) would fetch (no set, or it expired): the caller may move off an I/O thread.
    bool needs_fetch(std::chrono::steady_clock::time_point now) const;
    /// Fetches done so far (tests and metrics): attempts to get the JWK Set, successful or not; the
    /// metadata requests of a discovery are part of the attempt that needed them.
    std::size_t fetch_count() const;

private:
    /// One attempt (fetch_mu_ held, mu_ not): discovery if needed, the JWK Set, then the state.
    std::shared_ptr<const jwk_set> fetch(std::chrono::steady_clock::time_point now);
    void start_attempt_locked(std::chrono::steady_clock::time_point now);
    bool fresh_locked(std::chrono::steady_clock::time_point now) const;
    bool backing_off_locked(std::chrono::steady_clock::time_point now) const;
    std::string discover(std::string& jwks_uri);  ///< "" and the URI, or the failure cause (fetch_mu_ held)
    fetch_result get(const std::string& url);
    void log(const std::string& line) const;
    settings settings_;
    fetch_function fetch_;
    std::function<void(const std::string&)> log_line_;
    std::mutex fetch_mu_;    ///< one fetch at a time; guards resolved_jwks_uri_ and last_skipped_
    mutable std::mutex mu_;  ///< the state below; never held across the network
    std::shared_ptr<const jwk_set> set_;
    std::chrono::steady_clock::time_point fetched_at_{};
    std::chrono::steady_clock::time_point last_attempt_{};  ///< start of the last attempt (cool-down)
    std::chrono::steady_clock::time_point failed_at_{};     ///< end of the last failed attempt (back-off)
    bool attempted_ = false;
    std::string resolved_jwks_uri_;
    std::string last_failure_;               ///< the cause of the last attempt's failure, "" after a success
    std::vector<std::string> last_skipped_;  ///< the skipped-key lines already logged
    std::size_t fetches_ = 0;
};

}  // namespace arcade_mcp::detail::auth
