// The resource server at the front door of /mcp (see bearer_gate.hpp).
#include "auth/bearer_gate.hpp"
#include "observe/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "log/logger.hpp"
#include "util/ascii.hpp"

namespace arcade_mcp::detail::auth {
namespace {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// scheme://authority and the path of an absolute URL ("" path when none).
struct url_parts {
    std::string origin;
    std::string path;
};

std::optional<url_parts> split_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const auto path_start = url.find('/', scheme_end + 3);
    url_parts p;
    p.origin = std::string(url.substr(0, path_start));
    if (path_start != std::string_view::npos) p.path = std::string(url.substr(path_start));
    return p;
}

/// A value fit for a quoted-string of a challenge: printable ASCII without '"' and '\'; at most
/// `max` characters (only descriptions are shortened: a URL or scope list must stay whole).
std::string quotable(std::string_view text, std::size_t max = std::string_view::npos) {
    std::string out;
    for (char c : text.substr(0, max)) out += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ? c : '\'';
    return out;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
    return out;
}

bool scope_token_ok(std::string_view s) {
    // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return c >= 0x21 && c <= 0x7E && c != '"' && c != '\\';
    });
}

bool ascii_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// Whether the Authorization header uses the Bearer scheme (case-insensitive).
bool is_bearer_scheme(std::string_view header) {
    constexpr std::string_view scheme = "bearer";
    if (header.size() < scheme.size() || (header.size() > scheme.size() && header[scheme.size()] != ' '))
        return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (ascii_lower(header[i]) != scheme[i]) return false;
    return true;
}

/// "Bearer <token>" -> the token; nullopt when the credentials are not a b64token (RFC 6750 §2.1).
std::optional<std::string_view> bearer_credentials(std::string_view header) {
    constexpr std::string_view scheme = "bearer";
    if (!is_bearer_scheme(header)) return std::nullopt;
    std::string_view token = header.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    // RFC 6750 b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/", then "=" padding.
    if (token.empty()) return std::nullopt;
    for (char c : token)
        if (!(ascii_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='))
            return std::nullopt;
    return token;
}

/// Whether the query of `target` carries an access_token parameter (RFC 6750 §2.3, refused here).
bool token_in_query(std::string_view target) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return false;
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        if (part.rfind("access_token=", 0) == 0 || part == "access_token") return true;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return false;
}

}  // namespace

struct bearer_gate::issuer_state {
    authorization_server_entry entry;
    token_policy policy;
    std::unique_ptr<jwks_source> keys;
};

std::optional<std::string> validate(const resource_server_options& o) {
    const auto url = o.canonical_url;
    if (url.empty()) return "MCP_RESOURCE_SERVER_CANONICAL_URL is empty";
    if (url.size() > 2048) return "MCP_RESOURCE_SERVER_CANONICAL_URL is longer than 2048 characters";
    if (!fetchable_url(url))
        return "MCP_RESOURCE_SERVER_CANONICAL_URL must be an https:// URL (http:// only for loopback addresses): " +
               quotable(url);
    if (url.find('#') != std::string::npos || url.find('?') != std::string::npos)
        return "MCP_RESOURCE_SERVER_CANONICAL_URL must have no query or fragment: " + quotable(url);
    const auto parts = split_url(url);
    if (!parts || parts->path.empty() || parts->path.back() == '/')
        return "MCP_RESOURCE_SERVER_CANONICAL_URL must name the endpoint's path without a trailing slash (e.g. "
               "https://mcp.example.com/mcp): " + quotable(url);
    if (o.authorization_servers.empty()) return "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS names no server";
    for (std::size_t i = 0; i < o.authorization_servers.size(); ++i) {
        const auto& e = o.authorization_servers[i];
        const std::string where = "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: entry " + std::to_string(i) + ": ";
        if (!fetchable_url(e.authorization_server_url))
            return where + "authorization_server_url must be https:// (http:// only for loopback): " +
                   quotable(e.authorization_server_url);
        const std::string& issuer = e.issuer.empty() ? e.authorization_server_url : e.issuer;
        if (e.jwks_uri.empty() && !fetchable_url(issuer))
            return where + "no jwks_uri, and the issuer cannot be asked for its metadata: " + quotable(issuer);
        if (!e.jwks_uri.empty() && !fetchable_url(e.jwks_uri))
            return where + "jwks_uri must be https:// (http:// only for loopback): " + quotable(e.jwks_uri);
        if (e.algorithms.empty()) return where + "no algorithm allowed";
        for (const auto& a : e.algorithms)
            if (!parse_jws_alg(a))
                return where + "algorithm " + quotable(a) + " is not accepted (use RS256, ES256, PS256 or EdDSA)";
        if (e.leeway.count() < 0 || e.leeway.count() > 300) return where + "leeway must be 0 to 300 seconds";
        for (const auto& aud : e.expected_audiences)
            if (aud.empty()) return where + "expected_audiences holds an empty string";
    }
    for (const auto* list : {&o.scopes_supported, &o.default_challenge_scopes})
        for (const auto& s : *list)
            if (!scope_token_ok(s)) return "scope " + quotable(s) + " is not a valid OAuth scope token";
    if (!o.ca_file.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(o.ca_file, ec))
            return "MCP_RESOURCE_SERVER_CA_FILE is not a readable file: " + quotable(o.ca_file);
    }
    if (o.token_cache_entries == 0) return "the token cache needs room for at least one entry";
    return std::nullopt;
}

bearer_gate::bearer_gate(resource_server_options options, fetch_function fetch)
    : options_(std::move(options)), cache_(options_.token_cache_entries) {
    if (auto problem = validate(options_)) throw std::invalid_argument(*problem);
    // MCP 2026-07-28: offline_access is never advertised by the resource server.
    for (auto* list : {&options_.scopes_supported, &options_.default_challenge_scopes}) {
        if (std::erase(*list, std::string("offline_access")) > 0)
            log(log_level::warning, "front-door auth: offline_access is not advertised (MCP 2026-07-28); "
                                    "clients ask their authorization server for it directly");
    }
    if (!fetch) {
        if (auto why = http_get_unavailable())
            throw std::invalid_argument("front-door authorization fetches keys with libcurl: " + *why);
        fetch_options fo;
        fo.ca_file = options_.ca_file;
        fetch = [fo](const std::string& url) { return http_get(url, fo); };
    }
    const auto parts = split_url(options_.canonical_url);
    metadata_path_ = std::string(root_metadata_path) + parts->path;
    metadata_url_ = parts->origin + metadata_path_;

    json servers = json::array();
    for (const auto& e : options_.authorization_servers) {
        auto st = std::make_unique<issuer_state>();
        st->entry = e;
        if (st->entry.issuer.empty()) st->entry.issuer = e.authorization_server_url;
        st->policy.issuer = st->entry.issuer;
        st->policy.audiences = e.expected_audiences.empty() ? std::vector<std::string>{options_.canonical_url}
                                                            : e.expected_audiences;
        for (const auto& a : e.algorithms) st->policy.algorithms.push_back(*parse_jws_alg(a));
        st->policy.leeway = e.leeway;
        st->policy.verify_iat = e.verify_iat;
        st->policy.verify_nbf = e.verify_nbf;
        jwks_source::settings ks;
        ks.jwks_uri = e.jwks_uri;
        ks.issuer = st->entry.issuer;
        ks.lifetime = options_.jwks_cache_lifetime;
        ks.unknown_kid_cooldown = options_.jwks_refetch_cooldown;
        const std::string issuer = st->entry.issuer;
        st->keys = std::make_unique<jwks_source>(ks, fetch, [issuer](const std::string& line) {
            log(log_level::warning, "front-door auth: " + line, {{"issuer", issuer}});
        });
        servers.push_back(e.authorization_server_url);
        issuers_.push_back(std::move(st));
    }

    json doc = json::object();
    doc["resource"] = options_.canonical_url;
    doc["authorization_servers"] = std::move(servers);
    doc["bearer_methods_supported"] = json::array({"header"});
    if (!options_.scopes_supported.empty()) doc["scopes_supported"] = options_.scopes_supported;
    if (options_.resource_name) doc["resource_name"] = *options_.resource_name;
    metadata_ = doc.dump();

    no_token_challenge_ = "Bearer resource_metadata=\"" + quotable(metadata_url_) + "\"";
    if (!options_.default_challenge_scopes.empty())
        no_token_challenge_ += ", scope=\"" + join(options_.default_challenge_scopes) + "\"";
}

namespace {

/// The metrics label of a failed verification.
std::string_view failure_reason(token_failure failure) {
    switch (failure) {
        case token_failure::malformed: return "malformed";
        case token_failure::algorithm_refused: return "malformed";
        case token_failure::unknown_key: return "unknown_key";
        case token_failure::bad_signature: return "bad_signature";
        case token_failure::expired: return "expired";
        case token_failure::not_yet_valid: return "not_yet_valid";
        case token_failure::wrong_issuer: return "wrong_issuer";
        case token_failure::wrong_audience: return "wrong_audience";
        case token_failure::missing_claim: return "malformed";
    }
    return "other";
}

}  // namespace

bearer_gate::~bearer_gate() = default;

bearer_outcome bearer_gate::refuse(int status, std::string_view error, const std::string& description) const {
    bearer_outcome out;
    out.refusal.status = status;
    out.refusal.www_authenticate = "Bearer error=\"" + std::string(error) + "\", error_description=\"" +
                                   quotable(description, 200) + "\", resource_metadata=\"" +
                                   quotable(metadata_url_) + "\"";
    out.refusal.message = (status == 400 ? "Bad Request: " : "Unauthorized: ") + description;
    return out;
}

bearer_outcome bearer_gate::refuse_invalid(std::string description, std::string_view reason) const {
    observe::count_token_refusal(observe::token_kind::bearer, reason);
    return refuse(401, "invalid_token", description);
}

std::optional<bearer_outcome> bearer_gate::decide(std::string_view authorization, std::string_view target, mode m) {
    if (token_in_query(target))
    {
        observe::count_token_refusal(observe::token_kind::bearer, "invalid_request");
        return refuse(400, "invalid_request", "access tokens are accepted only in the Authorization header");
    }
    // No credentials, or credentials of another scheme (RFC 6750 §3.1: no error code then).
    if (authorization.empty() || !is_bearer_scheme(authorization)) {
        observe::count_token_refusal(observe::token_kind::bearer, "missing");
        bearer_outcome out;
        out.refusal.status = 401;
        out.refusal.www_authenticate = no_token_challenge_;
        out.refusal.message = "Unauthorized: this endpoint needs a bearer token (see " + metadata_url_ + ")";
        return out;
    }
    const auto token = bearer_credentials(authorization);
    if (!token) {
        observe::count_token_refusal(observe::token_kind::bearer, "invalid_request");
        return refuse(400, "invalid_request", "the Authorization header must be 'Bearer <token>'");
    }
    if (token->size() > max_access_token_bytes) return refuse_invalid("token too large", "malformed");
    const std::int64_t now = unix_now();
    const auto key = token_cache::hash(*token);
    if (auto known = cache_.find(key, now)) return bearer_outcome{std::move(known), {}};

    std::string why;
    auto decoded = decode_unverified(*token, why);
    if (!decoded) return refuse_invalid(why, "malformed");
    const auto found = std::find_if(issuers_.begin(), issuers_.end(),
                                    [&](const auto& st) { return st->policy.issuer == decoded->issuer; });
    if (found == issuers_.end()) return refuse_invalid("token issuer is not accepted by this resource", "wrong_issuer");
    issuer_state& st = **found;
    const auto steady_now = std::chrono::steady_clock::now();
    if (m == mode::no_fetch && st.keys->needs_fetch(steady_now)) return std::nullopt;
    auto keys = st.keys->keys(steady_now);
    if (!keys) return refuse_invalid("the authorization server's signing keys are unavailable", "unavailable");
    auto verdict = verify_access_token(*decoded, *keys, st.policy, now);
    if (!verdict.claims && verdict.failure == token_failure::unknown_key) {
        // An attacker picks kids at will: only a refetch that will really happen leaves the lane.
        if (m == mode::no_fetch && st.keys->unknown_kid_would_fetch(steady_now)) return std::nullopt;
        keys = st.keys->refresh_for_unknown_kid(steady_now);
        if (!keys) return refuse_invalid("the authorization server's signing keys are unavailable", "unavailable");
        verdict = verify_access_token(*decoded, *keys, st.policy, now);
    }
    if (!verdict.claims) return refuse_invalid(verdict.description, failure_reason(verdict.failure));
    auto who = std::make_shared<caller_identity>();
    who->subject = std::move(verdict.claims->subject);
    who->issuer = std::move(verdict.claims->issuer);
    who->scopes = std::move(verdict.claims->scopes);
    who->principal = who->issuer + ' ' + who->subject;  // an issuer URL has no space
    // Remembered until `exp`, but at most 5 minutes (and never past the key set's lifetime): a
    // key withdrawn from the JWK Set stops a long-lived token soon.
    const std::int64_t recheck_after = std::min<std::int64_t>(300, options_.jwks_cache_lifetime.count());
    who->expires_at = std::min(verdict.claims->expires_at, now + recheck_after);
    cache_.put(key, who, now);
    return bearer_outcome{std::move(who), {}};
}

std::optional<bearer_outcome> bearer_gate::check_without_fetch(std::string_view authorization,
                                                               std::string_view target) {
    return decide(authorization, target, mode::no_fetch);
}

bearer_outcome bearer_gate::check(std::string_view authorization, std::string_view target) {
    return *decide(authorization, target, mode::may_fetch);
}

std::vector<std::string> bearer_gate::missing_scopes(const caller_identity& caller,
                                                     const std::vector<std::string>& needed) {
    std::vector<std::string> missing;
    for (const auto& s : needed)
        if (std::find(caller.scopes.begin(), caller.scopes.end(), s) == caller.scopes.end()) missing.push_back(s);
    return missing;
}

std::string bearer_gate::insufficient_scope_challenge(const std::vector<std::string>& needed) const {
    return "Bearer error=\"insufficient_scope\", scope=\"" + quotable(join(needed)) +
           "\", error_description=\"the token lacks scopes this call needs\", resource_metadata=\"" +
           quotable(metadata_url_) + "\"";
}

std::size_t bearer_gate::jwks_fetches() const {
    std::size_t n = 0;
    for (const auto& st : issuers_) n += st->keys->fetch_count();
    return n;
}

}  // namespace arcade_mcp::detail::auth
