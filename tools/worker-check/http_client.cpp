// Blocking HTTP/1.1 client on Boost.Beast 1.74 (see http_client.hpp). Every network operation is
// started asynchronously and driven by io_context::run() so that beast::tcp_stream's deadline
// (expires_at) applies to it; synchronous Beast calls would ignore the deadline.
#include "http_client.hpp"

// Asio/Beast only through the project's private header (<utility> first, design/cpp-stack.md §3.1);
// the TLS parts are added here, the only file of this tool that uses Boost.
#include "transport/http/detail/asio.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include <netdb.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace arcade_worker_check {
namespace {

namespace net = arcade_mcp::detail::net;
namespace beast = arcade_mcp::detail::beast;
namespace bhttp = arcade_mcp::detail::bhttp;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

double ms_since(steady::time_point start) {
    return std::chrono::duration<double, std::milli>(steady::now() - start).count();
}

/// Starts one asynchronous operation through `start(handler)` and runs `ioc` until it completes.
/// The stream's deadline cancels the operation (beast::error::timeout).
template <class Start>
beast::error_code run_one(net::io_context& ioc, Start&& start) {
    beast::error_code result = net::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
}

/// A failure message for `phase` ("connect", "TLS handshake", "write", "read").
std::string failure(std::string_view phase, const beast::error_code& ec, std::chrono::milliseconds timeout) {
    if (ec == beast::error::timeout) {
        return std::string(phase) + " timed out (deadline " + std::to_string(timeout.count()) + " ms per request)";
    }
    if (ec == bhttp::error::body_limit) return "response body larger than the limit";
    if (ec == bhttp::error::header_limit) return "response header too large";
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof) {
        return std::string(phase) + " failed: the server closed the connection without an HTTP answer";
    }
    return std::string(phase) + " failed: " + ec.message();
}

struct exchange_state {
    net::io_context& ioc;
    steady::time_point deadline;
    const request_options& options;
    http_result& result;
};

/// Connects the lowest layer to the addresses in order. Each attempt gets an equal share of the
/// remaining time (like Go's dialer), so a black-holed first address leaves time for the next.
bool connect_in_order(exchange_state& st, beast::tcp_stream& stream, const std::vector<std::string>& addresses,
                      unsigned short port) {
    std::string errors;
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        const auto& text = addresses[i];
        beast::error_code ec;
        const auto address = net::ip::make_address(text, ec);
        if (ec) {
            errors += (errors.empty() ? "" : "; ") + text + ": not an address";
            continue;
        }
        const auto remaining = st.deadline - steady::now();
        if (remaining <= steady::duration::zero()) {
            errors += (errors.empty() ? "" : "; ") + std::string("deadline reached");
            break;
        }
        stream.expires_after(remaining / static_cast<long>(addresses.size() - i));
        const tcp::endpoint endpoint(address, port);
        ec = run_one(st.ioc, [&](auto handler) { stream.async_connect(endpoint, std::move(handler)); });
        if (!ec) {
            st.result.peer = text;
            return true;
        }
        beast::error_code ignored;
        stream.socket().close(ignored);
        errors += (errors.empty() ? "" : "; ") + text + ": " +
                  (ec == beast::error::timeout ? std::string("connect timed out") : ec.message());
    }
    st.result.error = "connect failed: " + (errors.empty() ? std::string("no address") : errors);
    return false;
}

/// Writes the request and reads the response on an established (plain or TLS) stream.
template <class Stream>
void exchange(exchange_state& st, Stream& stream, bhttp::request<bhttp::string_body>& req) {
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_at(st.deadline);
    if (auto ec = run_one(st.ioc, [&](auto handler) { bhttp::async_write(stream, req, std::move(handler)); })) {
        st.result.error = failure("write", ec, st.options.timeout);
        return;
    }
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(st.options.body_limit);
    lowest.expires_at(st.deadline);
    if (auto ec =
            run_one(st.ioc, [&](auto handler) { bhttp::async_read(stream, buffer, parser, std::move(handler)); })) {
        st.result.error = failure("read", ec, st.options.timeout);
        if (ec == bhttp::error::body_limit) {
            st.result.error += " (" + std::to_string(st.options.body_limit) + " bytes)";
        }
        return;
    }
    auto& res = parser.get();
    st.result.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        auto name = lower(arcade_mcp::detail::to_std(field.name_string()));
        auto value = std::string(arcade_mcp::detail::to_std(field.value()));
        auto [it, inserted] = st.result.headers.emplace(name, value);
        if (!inserted) it->second += ", " + value;
    }
    st.result.body = std::move(res.body());
}

std::string tls_failure(ssl::stream<beast::tcp_stream>& stream, const beast::error_code& ec,
                        std::chrono::milliseconds timeout) {
    std::string text = failure("TLS handshake", ec, timeout);
    const long verify = SSL_get_verify_result(stream.native_handle());
    if (verify != X509_V_OK) text += " (certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
    return text;
}

bhttp::verb to_verb(http_method m) {
    switch (m) {
        case http_method::get: return bhttp::verb::get;
        case http_method::post: return bhttp::verb::post;
        case http_method::del: return bhttp::verb::delete_;
    }
    return bhttp::verb::get;
}

}  // namespace

std::string parsed_url::host_header() const {
    const bool is_default = (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
    const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return is_default ? name : name + ":" + port;
}

std::string parsed_url::target(std::string_view suffix) const { return base_path + std::string(suffix); }

std::optional<parsed_url> parse_url(std::string_view url, std::string& error) {
    parsed_url out;
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) {
        error = "URL must start with http:// or https://";
        return std::nullopt;
    }
    out.scheme = lower(url.substr(0, sep));
    if (out.scheme != "http" && out.scheme != "https") {
        error = "unsupported scheme '" + out.scheme + "' (use http or https)";
        return std::nullopt;
    }
    auto rest = url.substr(sep + 3);
    if (rest.find_first_of("?#") != std::string_view::npos) {
        error = "URL must not contain a query or fragment";
        return std::nullopt;
    }
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (authority.find('@') != std::string_view::npos) {
        error = "URL must not contain user info";
        return std::nullopt;
    }
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "unterminated '[' in the host";
            return std::nullopt;
        }
        out.host = lower(authority.substr(1, close - 1));
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                error = "unexpected text after ']'";
                return std::nullopt;
            }
            port = after.substr(1);
        }
    } else {
        const auto colon = authority.find(':');
        out.host = lower(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (out.host.empty()) {
        error = "URL has no host";
        return std::nullopt;
    }
    if (port.empty()) {
        out.port = out.scheme == "https" ? "443" : "80";
    } else {
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535) {
            error = "invalid port '" + std::string(port) + "'";
            return std::nullopt;
        }
        out.port = std::to_string(value);
    }
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    out.base_path = std::string(path);
    return out;
}

resolve_result resolve_host(const std::string& host, const std::string& port, std::chrono::milliseconds timeout) {
    // getaddrinfo cannot be cancelled, so it runs on a detached thread and is abandoned after the
    // timeout (the thread ends by itself when the lookup returns).
    struct shared_state {
        std::mutex mutex;
        std::condition_variable done_cv;
        bool done = false;
        resolve_result result;
    };
    const auto start = steady::now();
    auto state = std::make_shared<shared_state>();
    std::thread([state, host, port] {
        resolve_result r;
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* list = nullptr;
        if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &list); rc != 0) {
            r.error = gai_strerror(rc);
        } else {
            for (auto* ai = list; ai != nullptr; ai = ai->ai_next) {
                char text[NI_MAXHOST] = {};
                if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) != 0)
                    continue;
                if (std::find(r.addresses.begin(), r.addresses.end(), text) == r.addresses.end())
                    r.addresses.emplace_back(text);
            }
            freeaddrinfo(list);
            if (r.addresses.empty()) r.error = "no addresses";
        }
        std::lock_guard lock(state->mutex);
        state->result = std::move(r);
        state->done = true;
        state->done_cv.notify_all();
    }).detach();
    std::unique_lock lock(state->mutex);
    resolve_result out;
    if (state->done_cv.wait_for(lock, timeout, [&] { return state->done; })) {
        out = state->result;
    } else {
        out.error = "lookup timed out after " + std::to_string(timeout.count()) + " ms";
    }
    out.ms = ms_since(start);
    return out;
}

http_result request(const parsed_url& url, http_method method, std::string_view target, const header_list& headers,
                    std::string_view body, const request_options& options) {
    const auto start = steady::now();
    http_result result;
    const auto finish = [&]() -> http_result {
        result.ms = ms_since(start);
        return std::move(result);
    };

    std::vector<std::string> addresses = options.addresses;
    if (addresses.empty()) {
        auto resolved = resolve_host(url.host, url.port, options.timeout);
        if (!resolved.error.empty()) {
            result.error = "cannot resolve " + url.host + ": " + resolved.error;
            return finish();
        }
        addresses = std::move(resolved.addresses);
    }

    bhttp::request<bhttp::string_body> req{to_verb(method), std::string(target), 11};
    req.set(bhttp::field::host, url.host_header());
    req.set(bhttp::field::user_agent, "arcade-worker-check/0.1");
    req.set(bhttp::field::connection, "close");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty() || method == http_method::post) {
        req.body() = std::string(body);
        req.prepare_payload();
    }

    try {
        net::io_context ioc;
        exchange_state st{ioc, start + options.timeout, options, result};
        const auto port = static_cast<unsigned short>(std::stoul(url.port));
        if (url.scheme == "http") {
            beast::tcp_stream stream(ioc);
            if (connect_in_order(st, stream, addresses, port)) exchange(st, stream, req);
            beast::error_code ignored;
            stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream.close();
            return finish();
        }
        ssl::context ctx(ssl::context::tls_client);
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        ctx.set_default_verify_paths();
        ssl::stream<beast::tcp_stream> stream(ioc, ctx);
        if (options.insecure) {
            stream.set_verify_mode(ssl::verify_none);
        } else {
            stream.set_verify_mode(ssl::verify_peer);
            stream.set_verify_callback(ssl::host_name_verification(url.host));
        }
        beast::error_code not_ip;
        net::ip::make_address(url.host, not_ip);
        SSL* native = stream.native_handle();
        // SNI is sent for names only (RFC 6066 forbids IP literals). OpenSSL also checks the name
        // itself so that a mismatch is reported as such ("hostname mismatch", not "unspecified").
        const bool configured =
            not_ip ? SSL_set_tlsext_host_name(native, url.host.c_str()) == 1 &&
                         (options.insecure || SSL_set1_host(native, url.host.c_str()) == 1)
                   : options.insecure || X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), url.host.c_str()) == 1;
        if (!configured) {
            result.error = "cannot configure TLS for host " + url.host;
            return finish();
        }
        if (connect_in_order(st, beast::get_lowest_layer(stream), addresses, port)) {
            beast::get_lowest_layer(stream).expires_at(st.deadline);
            if (auto ec = run_one(
                    ioc, [&](auto handler) { stream.async_handshake(ssl::stream_base::client, std::move(handler)); })) {
                result.error = tls_failure(stream, ec, options.timeout);
            } else {
                exchange(st, stream, req);
            }
        }
        beast::get_lowest_layer(stream).close();  // no TLS close_notify: the response is complete
        return finish();
    } catch (const std::exception& e) {
        result.status = 0;
        result.error = std::string("client error: ") + e.what();
        return finish();
    }
}

}  // namespace arcade_worker_check
