// Tests for the Streamable HTTP request policy: Host/Origin checks, Accept/Content-Type, MCP path.
#include "transport/http/http_policy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace arcade_mcp::detail {
namespace {

TEST(OriginPolicyLoopback, AllowsLoopbackHosts) {
    const origin_policy p("127.0.0.1", {}, {});
    EXPECT_TRUE(p.checks_host());
    for (const char* host : {"localhost:8000", "localhost", "127.0.0.1", "127.0.0.1:8000", "[::1]:9", "[::1]",
                             "LOCALHOST:80", " localhost:8000 "}) {
        EXPECT_TRUE(p.host_allowed(host)) << "Host: '" << host << "'";
    }
}

TEST(OriginPolicyLoopback, RefusesForeignOrMalformedHosts) {
    const origin_policy p("127.0.0.1", {}, {});
    for (const char* host :
         {"evil.example.com", "evil.example.com:8000", "127.0.0.1.evil.com", "localhost.evil.com", "localhost:abc",
          "localhost:", "localhost:123456", "", "[::1", "[::1]x", "::1", "[::2]:9"}) {
        EXPECT_FALSE(p.host_allowed(host)) << "Host: '" << host << "'";
    }
}

TEST(OriginPolicyLoopback, AllowsLoopbackOrigins) {
    const origin_policy p("127.0.0.1", {}, {});
    for (const char* origin : {"http://localhost:3000", "https://127.0.0.1", "http://localhost", "http://[::1]:5173",
                               "HTTP://LOCALHOST:3000", "http://localhost:3000/"}) {
        EXPECT_TRUE(p.origin_allowed(origin)) << "Origin: '" << origin << "'";
    }
}

TEST(OriginPolicyLoopback, RefusesForeignOrMalformedOrigins) {
    const origin_policy p("127.0.0.1", {}, {});
    for (const char* origin : {"http://evil.example.com", "https://evil.example.com:443", "null", "file://x",
                               "file://localhost", "http://localhost@evil.com", "http://evil.com@localhost",
                               "http://localhost/path", "http://localhost.evil.com", "http://127.0.0.1.evil.com",
                               "ws://localhost", "localhost:3000", "http://localhost:abc", "http://", ""}) {
        EXPECT_FALSE(p.origin_allowed(origin)) << "Origin: '" << origin << "'";
    }
}

TEST(OriginPolicyLoopback, IPv6LoopbackBindChecksHost) {
    const origin_policy v6("::1", {}, {});
    EXPECT_TRUE(v6.checks_host());
    EXPECT_TRUE(v6.host_allowed("[::1]:8000"));
    EXPECT_FALSE(v6.host_allowed("example.com"));
    const origin_policy name("localhost", {}, {});
    EXPECT_TRUE(name.checks_host());
    EXPECT_FALSE(name.host_allowed("example.com"));
}

TEST(OriginPolicyConfigured, AllowedHostsWithAndWithoutPort) {
    const origin_policy p("127.0.0.1", {"api.example.com", "x.example.com:443"}, {});
    EXPECT_TRUE(p.host_allowed("api.example.com"));
    EXPECT_TRUE(p.host_allowed("api.example.com:8443"));  // no port configured: any port
    EXPECT_TRUE(p.host_allowed("API.Example.COM"));
    EXPECT_TRUE(p.host_allowed("x.example.com:443"));
    EXPECT_FALSE(p.host_allowed("x.example.com"));
    EXPECT_FALSE(p.host_allowed("x.example.com:8443"));
    EXPECT_FALSE(p.host_allowed("y.example.com"));
    EXPECT_FALSE(p.host_allowed("sub.api.example.com"));
    EXPECT_TRUE(p.host_allowed("localhost:8000"));  // loopback names stay allowed
}

TEST(OriginPolicyConfigured, AllowedOriginsExactMatch) {
    const origin_policy p("127.0.0.1", {}, {"https://app.example.com/"});
    EXPECT_TRUE(p.origin_allowed("https://app.example.com"));
    EXPECT_TRUE(p.origin_allowed("https://APP.example.com"));
    EXPECT_TRUE(p.origin_allowed("https://app.example.com/"));
    EXPECT_FALSE(p.origin_allowed("http://app.example.com"));        // other scheme
    EXPECT_FALSE(p.origin_allowed("https://app.example.com:8443"));  // other port
    EXPECT_FALSE(p.origin_allowed("https://evil.app.example.com"));
    EXPECT_FALSE(p.origin_allowed("https://app.example.com.evil.com"));
    EXPECT_TRUE(p.origin_allowed("http://localhost:3000"));
    // An allowed origin does not make its host an allowed Host.
    EXPECT_FALSE(p.host_allowed("app.example.com"));
}

TEST(OriginPolicyPublicBind, WithoutAllowedHostsAnyHostButNoForeignOrigin) {
    const origin_policy p("0.0.0.0", {}, {});
    EXPECT_FALSE(p.checks_host());
    for (const char* host : {"evil.example.com", "mcp.internal:8000", "", "localhost:abc"}) {
        EXPECT_TRUE(p.host_allowed(host)) << "Host: '" << host << "'";
    }
    EXPECT_FALSE(p.origin_allowed("http://evil.example.com"));
    EXPECT_FALSE(p.origin_allowed("null"));
    EXPECT_TRUE(p.origin_allowed("http://localhost:3000"));
}

TEST(OriginPolicyPublicBind, WithAllowedHostsChecksHost) {
    const origin_policy p("0.0.0.0", {"mcp.example.com"}, {"https://ui.example.com"});
    EXPECT_TRUE(p.checks_host());
    EXPECT_TRUE(p.host_allowed("mcp.example.com"));
    EXPECT_FALSE(p.host_allowed("evil.example.com"));
    EXPECT_TRUE(p.origin_allowed("https://ui.example.com"));
    EXPECT_FALSE(p.origin_allowed("https://evil.example.com"));
}

TEST(HttpPolicyHelpers, SplitAuthorityAndLoopback) {
    EXPECT_EQ(split_authority("Example.COM:8080"), (std::pair<std::string, std::string>{"example.com", "8080"}));
    EXPECT_EQ(split_authority("host"), (std::pair<std::string, std::string>{"host", ""}));
    EXPECT_EQ(split_authority("[::1]:9"), (std::pair<std::string, std::string>{"[::1]", "9"}));
    EXPECT_EQ(split_authority("[::1]"), (std::pair<std::string, std::string>{"[::1]", ""}));
    EXPECT_EQ(split_authority(""), std::nullopt);
    EXPECT_EQ(split_authority("a:b:1"), std::nullopt);
    EXPECT_EQ(split_authority("[::1]:"), std::nullopt);
    EXPECT_TRUE(is_loopback_host("LocalHost"));
    EXPECT_TRUE(is_loopback_host("::1"));
    EXPECT_FALSE(is_loopback_host("0.0.0.0"));
    EXPECT_FALSE(is_loopback_host("127.0.0.1.evil.com"));
}

TEST(Accepts, ListsParametersAndCase) {
    EXPECT_TRUE(accepts("application/json", "application/json"));
    EXPECT_TRUE(accepts("application/json, text/event-stream", "text/event-stream"));
    EXPECT_TRUE(accepts("application/json, text/event-stream", "application/json"));
    EXPECT_TRUE(accepts("text/html;q=0.9,application/json;q=0.8", "application/json"));
    EXPECT_TRUE(accepts("  application/json ; charset=utf-8  ", "application/json"));
    EXPECT_TRUE(accepts("Application/JSON", "application/json"));
    EXPECT_TRUE(accepts("application/json", "APPLICATION/JSON"));
    EXPECT_TRUE(accepts("text/plain,,application/json", "application/json"));
}

TEST(Accepts, Wildcards) {
    EXPECT_TRUE(accepts("*/*", "application/json"));
    EXPECT_TRUE(accepts("text/html, */*;q=0.1", "text/event-stream"));
    EXPECT_TRUE(accepts("application/*", "application/json"));
    EXPECT_FALSE(accepts("application/*", "text/event-stream"));
    EXPECT_TRUE(accepts("text/*", "text/event-stream"));
    EXPECT_FALSE(accepts("text/*", "application/json"));
    EXPECT_FALSE(accepts("*/json", "application/json"));
}

TEST(Accepts, AbsentOrOtherTypes) {
    EXPECT_FALSE(accepts("", "application/json"));
    EXPECT_FALSE(accepts(" ", "application/json"));
    EXPECT_FALSE(accepts("text/html", "application/json"));
    EXPECT_FALSE(accepts("application/jsonx", "application/json"));
    EXPECT_FALSE(accepts("application/json-seq", "application/json"));
    EXPECT_FALSE(accepts("text/event-stream", "application/json"));
}

TEST(ContentTypeIs, IgnoresParametersAndCase) {
    EXPECT_TRUE(content_type_is("application/json", "application/json"));
    EXPECT_TRUE(content_type_is("application/json; charset=utf-8", "application/json"));
    EXPECT_TRUE(content_type_is("Application/Json;charset=UTF-8", "application/json"));
    EXPECT_TRUE(content_type_is(" application/json ", "application/json"));
    EXPECT_FALSE(content_type_is("text/plain; charset=utf-8", "application/json"));
    EXPECT_FALSE(content_type_is("application/json-patch+json", "application/json"));
    EXPECT_FALSE(content_type_is("", "application/json"));
    EXPECT_FALSE(content_type_is("application/*", "application/json"));
}

TEST(IsMcpPath, OnlyTheEndpoint) {
    EXPECT_TRUE(is_mcp_path("/mcp"));
    EXPECT_TRUE(is_mcp_path("/mcp/"));
    EXPECT_TRUE(is_mcp_path("/mcp?x=1"));
    EXPECT_TRUE(is_mcp_path("/mcp/?x=1"));
    EXPECT_FALSE(is_mcp_path("/mcpx"));
    EXPECT_FALSE(is_mcp_path("/"));
    EXPECT_FALSE(is_mcp_path(""));
    EXPECT_FALSE(is_mcp_path("/mcp/extra"));
    EXPECT_FALSE(is_mcp_path("/MCP"));
    EXPECT_FALSE(is_mcp_path("/x/mcp"));
}

}  // namespace
TEST(Accepts, QualityZeroMeansNotAcceptable) {
    EXPECT_FALSE(accepts("application/json;q=0", "application/json"));
    EXPECT_FALSE(accepts("application/json; q=0.0, text/html", "application/json"));
    EXPECT_FALSE(accepts("*/*;q=0", "text/event-stream"));
    EXPECT_TRUE(accepts("application/json;q=0.5", "application/json"));
}


// DNS rebinding: Host values an attacker's page can make a browser send, against the default
// loopback policy and against a configured allow-list. The loopback defaults are exact names
// (localhost, 127.0.0.1, [::1]) with any port; other spellings of a loopback address are refused,
// which is the safe direction.
TEST(OriginPolicyRebinding, LoopbackDefaultRefusesHostileHosts) {
    const origin_policy p("127.0.0.1", {}, {});
    const std::vector<std::string> hostile = {
        // foreign names, with and without port, any case
        "evil.com",
        "evil.com:8000",
        "EVIL.COM",
        "Evil.Com:80",
        // loopback names as a label of a foreign name, and the reverse
        "localhost.evil.com",
        "localhost.evil.com:8000",
        "LOCALHOST.EVIL.COM",
        "127.0.0.1.evil.com:8000",
        "127.0.0.1.nip.io",
        "127.0.0.1.nip.io:8000",
        "evil.localhost",
        "a.localhost:8000",
        "localhostevil.com",
        "evil-localhost",
        // trailing dot (fully qualified forms are not on the list)
        "localhost.",
        "localhost.:8000",
        "127.0.0.1.",
        "evil.com.",
        "LOCALHOST.",
        // IPv6: other spellings, zones, malformed brackets
        "[0:0:0:0:0:0:0:1]",
        "[::ffff:127.0.0.1]",
        "[::1%25lo]",
        "[::1%lo]:8000",
        "[fe80::1%25eth0]:8000",
        "[::1].evil.com",
        "[::1]evil.com",
        "[::1]]",
        "[[::1]]",
        "[::1]:8000:9000",
        "::1",
        "::1:8000",
        "[::1",
        "::1]",
        // other spellings of IPv4 loopback, and other loopback addresses
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "127.0.0.01",
        "127.0.0.2",
        "0.0.0.0",
        "0",
        // empty and blank
        "",
        " ",
        "\t",
        " \t ",
        // ports that are not ports
        "localhost:",
        "localhost:80a",
        "localhost:+80",
        "localhost:-1",
        "localhost: 80",
        "localhost :80",
        "localhost:123456",
        "localhost:99999",
        "localhost:65536",
        "[::1]:99999",
        "127.0.0.1:70000",
        "localhost:8000:8000",
        // userinfo, paths, lists and other separators
        "localhost:8000@evil.com",
        "evil.com@localhost",
        "user@localhost",
        "localhost/evil",
        "localhost\\evil",
        "localhost#evil",
        "localhost?x",
        "localhost,evil.com",
        "evil.com,localhost",
        "localhost evil.com",
        "localhost;evil.com",
        // control characters and NUL inside the name
        std::string("localhost\0.evil.com", 19),
        std::string("localhost\0", 10),
        "local\rhost",
        "localhost\n",
    };
    for (const auto& host : hostile) EXPECT_FALSE(p.host_allowed(host)) << "Host: '" << host << "'";
}

TEST(OriginPolicyRebinding, LoopbackDefaultAllowsLoopbackNamesOnAnyPort) {
    const origin_policy p("127.0.0.1", {}, {});
    for (const char* host : {"localhost", "LocalHost", "LOCALHOST:8000", "localhost:1", "localhost:65535",
                             "127.0.0.1:9", "[::1]", "[::1]:1", "[::1]:65535", "\tlocalhost\t", " [::1]:8000 "}) {
        EXPECT_TRUE(p.host_allowed(host)) << "Host: '" << host << "'";
    }
}

TEST(OriginPolicyRebinding, EveryLoopbackBindChecksTheSameWay) {
    for (const char* bind : {"127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]"}) {
        const origin_policy p(bind, {}, {});
        EXPECT_TRUE(p.checks_host()) << bind;
        EXPECT_TRUE(p.host_allowed("localhost:8000")) << bind;
        EXPECT_TRUE(p.host_allowed("[::1]:8000")) << bind;
        EXPECT_FALSE(p.host_allowed("evil.com")) << bind;
        EXPECT_FALSE(p.host_allowed("localhost.evil.com")) << bind;
        EXPECT_FALSE(p.host_allowed("")) << bind;
    }
}

TEST(OriginPolicyRebinding, AllowListRefusesLookalikesAndOtherPorts) {
    const origin_policy p("127.0.0.1",
                          {"mcp.example.com", "api.example.com:8443", "[2001:db8::1]", " Upper.Example.COM "}, {});
    for (const char* host :
         {"mcp.example.com", "MCP.EXAMPLE.COM", "mcp.example.com:1", "api.example.com:8443", "API.example.com:8443",
          "[2001:db8::1]", "[2001:DB8::1]:443", "upper.example.com", "UPPER.example.com:80",
          // loopback names stay allowed next to a list
          "localhost:9", "[::1]", "127.0.0.1:8000"}) {
        EXPECT_TRUE(p.host_allowed(host)) << "Host: '" << host << "'";
    }
    for (const char* host :
         {// lookalikes of an allowed name
          "mcp.example.com.", "mcp.example.com.:443", "mcp.example.com.evil.com", "sub.mcp.example.com",
          "xmcp.example.com", "mcp-example.com", "mcp.example.co", "mcp.example.comm", "example.com",
          // port pinned by the list: other port, none, or written differently
          "api.example.com", "api.example.com:443", "api.example.com:84430", "api.example.com:08443",
          // IPv6 entry: zone, unbracketed, other address
          "[2001:db8::1%25eth0]", "[2001:db8::1%eth0]:443", "2001:db8::1", "[2001:db8::2]",
          // foreign, malformed, empty
          "evil.com", "evil.com:8443", "mcp.example.com:abc", "mcp.example.com@evil.com", "", " "}) {
        EXPECT_FALSE(p.host_allowed(host)) << "Host: '" << host << "'";
    }
}

TEST(OriginPolicyRebinding, PublicBindWithAllowListChecksEveryHost) {
    const origin_policy p("0.0.0.0", {"mcp.example.com:443"}, {});
    EXPECT_TRUE(p.checks_host());
    EXPECT_TRUE(p.host_allowed("mcp.example.com:443"));
    EXPECT_TRUE(p.host_allowed("localhost:8000"));
    for (const char* host : {"mcp.example.com", "mcp.example.com:80", "evil.com", "10.0.0.5:443", "",
                             "localhost.evil.com", "[::1%25lo]"}) {
        EXPECT_FALSE(p.host_allowed(host)) << "Host: '" << host << "'";
    }
}

TEST(OriginPolicyRebinding, OriginsWithTheSameHostileNames) {
    const origin_policy p("127.0.0.1", {}, {});
    for (const char* origin :
         {"http://localhost.", "http://localhost.:3000", "http://127.0.0.1.nip.io", "http://[::1%25lo]:3000",
          "http://[0:0:0:0:0:0:0:1]", "http://127.1", "http://evil.localhost", "http://LOCALHOST.EVIL.COM",
          "http://localhost:3000@evil.com", "http://localhost:3000#", "http://localhost:3000?x",
          "http://localhost,http://evil.com", "http://localhost http://evil.com"}) {
        EXPECT_FALSE(p.origin_allowed(origin)) << "Origin: '" << origin << "'";
    }
}

}  // namespace arcade_mcp::detail
