// Tests for otlp_settings_from_env: when tracing is on, endpoints, headers and resource
// attributes, the sampler, the numbers, and errors that name the variable but never a value.
#include <gtest/gtest.h>

#include <map>

#include "observe/otlp_exporter.hpp"

namespace arcade_mcp::detail::observe {
namespace {

using env_map = std::map<std::string, std::string, std::less<>>;

std::optional<otlp_settings> read(const env_map& vars, std::string& error) {
    return otlp_settings_from_env(
        [&](std::string_view name) -> std::optional<std::string> {
            const auto it = vars.find(name);
            if (it == vars.end()) return std::nullopt;
            return it->second;
        },
        "my-server", error);
}

/// Expects an error that names `variable`; returns it.
std::string error_for(env_map vars, std::string_view variable) {
    std::string error;
    const auto settings = read(vars, error);
    EXPECT_FALSE(settings.has_value());
    EXPECT_NE(error.find(variable), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    return error;
}

constexpr const char* endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

TEST(OtelSettingsTest, OffByDefault) {
    std::string error = "stale";
    EXPECT_FALSE(read({}, error));
    EXPECT_TRUE(error.empty());
    // Other variables alone do not turn tracing on (and are not checked).
    EXPECT_FALSE(read({{"OTEL_SERVICE_NAME", "x"}, {"OTEL_TRACES_SAMPLER", "bogus"}}, error));
    EXPECT_TRUE(error.empty());
}

TEST(OtelSettingsTest, DefaultsWithExporterOtlp) {
    std::string error;
    const auto s = read({{"OTEL_TRACES_EXPORTER", "otlp"}}, error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->endpoint, "http://localhost:4318/v1/traces");
    EXPECT_TRUE(s->headers.empty());
    EXPECT_EQ(s->service_name, "my-server");
    EXPECT_EQ(s->timeout, std::chrono::milliseconds(10000));
    EXPECT_EQ(s->max_queue, 2048u);
    EXPECT_EQ(s->max_batch, 512u);
    EXPECT_EQ(s->schedule_delay, std::chrono::milliseconds(1000));
    EXPECT_EQ(s->sampler.sampler, sampler_settings::kind::parentbased_always_on);
}

TEST(OtelSettingsTest, EndpointGetsSignalPath) {
    std::string error;
    auto s = read({{endpoint, "http://collector:4318"}}, error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->endpoint, "http://collector:4318/v1/traces");
    s = read({{endpoint, "https://otel.example.com/base/"}}, error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->endpoint, "https://otel.example.com/base/v1/traces");
    s = read({{endpoint, "  http://[::1]:4318  "}}, error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->endpoint, "http://[::1]:4318/v1/traces");
}

TEST(OtelSettingsTest, TracesEndpointUsedAsIs) {
    std::string error;
    const auto s = read({{endpoint, "http://ignored:4318"},
                         {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://api.example.com/otlp/traces"}},
                        error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->endpoint, "https://api.example.com/otlp/traces");
}

TEST(OtelSettingsTest, BadEndpoints) {
    for (const char* url :
         {"collector:4318", "ftp://collector", "http://", "http:///v1", "http://a b", "http://user:pw@collector",
          "http://collector:99999", "http://collector:x", "http://[::1", "https://host:0"}) {
        error_for({{endpoint, url}}, endpoint);
        error_for({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", url}}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    }
    error_for({{endpoint, "http://h/" + std::string(2100, 'a')}}, endpoint);
}

TEST(OtelSettingsTest, EmptyMeansUnset) {
    std::string error;
    EXPECT_FALSE(read({{endpoint, ""}}, error));
    EXPECT_TRUE(error.empty());
    const auto s = read({{endpoint, "http://c:4318"}, {"OTEL_TRACES_SAMPLER", ""}}, error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->sampler.sampler, sampler_settings::kind::parentbased_always_on);
}

TEST(OtelSettingsTest, DisabledAndNone) {
    std::string error;
    EXPECT_FALSE(read({{endpoint, "http://c:4318"}, {"OTEL_SDK_DISABLED", "TRUE"}}, error));
    EXPECT_TRUE(error.empty());
    EXPECT_FALSE(read({{endpoint, "http://c:4318"}, {"OTEL_TRACES_EXPORTER", "none"}}, error));
    EXPECT_TRUE(error.empty());
    EXPECT_TRUE(read({{endpoint, "http://c:4318"}, {"OTEL_SDK_DISABLED", "false"}}, error));
    error_for({{endpoint, "http://c:4318"}, {"OTEL_TRACES_EXPORTER", "zipkin"}}, "OTEL_TRACES_EXPORTER");
}

TEST(OtelSettingsTest, HeadersDecodedAndMerged) {
    std::string error;
    const auto s =
        read({{endpoint, "http://c:4318"},
              {"OTEL_EXPORTER_OTLP_HEADERS", " api-key = s%3Dcret%2C1 , x-team=a,,Authorization=Basic%20xyz"},
              {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "API-KEY=traces-key,x-empty="}},
             error);
    ASSERT_TRUE(s) << error;
    ASSERT_EQ(s->headers.size(), 4u);
    EXPECT_EQ(s->headers[0].first, "api-key");
    EXPECT_EQ(s->headers[0].second, "traces-key");  // the traces variable wins, whatever the case
    EXPECT_EQ(s->headers[1], (std::pair<std::string, std::string>{"x-team", "a"}));
    EXPECT_EQ(s->headers[2], (std::pair<std::string, std::string>{"Authorization", "Basic xyz"}));
    EXPECT_EQ(s->headers[3], (std::pair<std::string, std::string>{"x-empty", ""}));

    const auto only = read({{endpoint, "http://c:4318"}, {"OTEL_EXPORTER_OTLP_HEADERS", "k=a%3db"}}, error);
    ASSERT_TRUE(only) << error;
    EXPECT_EQ(only->headers.at(0).second, "a=b");
}

TEST(OtelSettingsTest, MalformedHeadersNeverShowTheValue) {
    const std::string secret = "sk-very-secret-123";
    for (const std::string& value : std::vector<std::string>{
             "api-key", "api-key:" + secret, "=" + secret, "api-key=" + secret + "%zz", "api-key=" + secret + "%4",
             "api key=" + secret, "api-key=" + secret + "%0d%0aX-Injected: 1", "k=" + secret + "%00"}) {
        for (const char* name : {"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"}) {
            const auto error = error_for({{endpoint, "http://c:4318"}, {name, value}}, name);
            EXPECT_EQ(error.find(secret), std::string::npos) << error;
            EXPECT_EQ(error.find("api-key"), std::string::npos) << error;
        }
    }
}

TEST(OtelSettingsTest, ServiceNameAndResourceAttributes) {
    std::string error;
    auto s = read({{endpoint, "http://c:4318"},
                   {"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs,deployment.environment=prod,team=a%20b"}},
                  error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->service_name, "from-attrs");
    ASSERT_EQ(s->resource_attributes.size(), 2u);  // service.name is not repeated there
    EXPECT_EQ(s->resource_attributes[0], (std::pair<std::string, std::string>{"deployment.environment", "prod"}));
    EXPECT_EQ(s->resource_attributes[1], (std::pair<std::string, std::string>{"team", "a b"}));

    s = read({{endpoint, "http://c:4318"},
              {"OTEL_SERVICE_NAME", "explicit"},
              {"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs"}},
             error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->service_name, "explicit");
    EXPECT_TRUE(s->resource_attributes.empty());

    error_for({{endpoint, "http://c:4318"}, {"OTEL_RESOURCE_ATTRIBUTES", "a=1,b"}}, "OTEL_RESOURCE_ATTRIBUTES");
    error_for({{endpoint, "http://c:4318"}, {"OTEL_RESOURCE_ATTRIBUTES", "a=%G1"}}, "OTEL_RESOURCE_ATTRIBUTES");
}

TEST(OtelSettingsTest, Protocol) {
    std::string error;
    EXPECT_TRUE(read({{endpoint, "http://c:4318"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}}, error));
    for (const char* value : {"http/protobuf", "grpc", "thrift"}) {
        const auto e = error_for({{endpoint, "http://c:4318"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", value}},
                                 "OTEL_EXPORTER_OTLP_PROTOCOL");
        EXPECT_NE(e.find("http/json"), std::string::npos) << e;
    }
    error_for({{endpoint, "http://c:4318"}, {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"}},
              "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
    // The traces variable takes precedence over the general one.
    EXPECT_TRUE(read({{endpoint, "http://c:4318"},
                      {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                      {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"}},
                     error));
}

TEST(OtelSettingsTest, Samplers) {
    using k = sampler_settings::kind;
    const std::pair<const char*, k> names[] = {
        {"always_on", k::always_on},
        {"always_off", k::always_off},
        {"traceidratio", k::traceidratio},
        {"parentbased_always_on", k::parentbased_always_on},
        {"parentbased_always_off", k::parentbased_always_off},
        {"parentbased_traceidratio", k::parentbased_traceidratio},
    };
    std::string error;
    for (const auto& [name, kind] : names) {
        const auto s = read({{endpoint, "http://c:4318"}, {"OTEL_TRACES_SAMPLER", name}}, error);
        ASSERT_TRUE(s) << error;
        EXPECT_EQ(s->sampler.sampler, kind);
        EXPECT_EQ(s->sampler.ratio, 1.0);
    }
    const auto s = read({{endpoint, "http://c:4318"},
                         {"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"},
                         {"OTEL_TRACES_SAMPLER_ARG", "0.25"}},
                        error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->sampler.ratio, 0.25);
    for (const char* arg : {"1.5", "-0.1", "abc", "0.5x", "nan", "inf"}) {
        error_for(
            {{endpoint, "http://c:4318"}, {"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", arg}},
            "OTEL_TRACES_SAMPLER_ARG");
    }
    // The argument of a sampler without one is ignored.
    EXPECT_TRUE(read(
        {{endpoint, "http://c:4318"}, {"OTEL_TRACES_SAMPLER", "always_on"}, {"OTEL_TRACES_SAMPLER_ARG", "x"}}, error));
    for (const char* name : {"jaeger_remote", "parentbased_jaeger_remote", "xray", "always"}) {
        error_for({{endpoint, "http://c:4318"}, {"OTEL_TRACES_SAMPLER", name}}, "OTEL_TRACES_SAMPLER");
    }
}

TEST(OtelSettingsTest, Numbers) {
    std::string error;
    const auto s = read({{endpoint, "http://c:4318"},
                         {"OTEL_EXPORTER_OTLP_TIMEOUT", "3000"},
                         {"OTEL_BSP_SCHEDULE_DELAY", "250"},
                         {"OTEL_BSP_MAX_QUEUE_SIZE", "100"},
                         {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "20"}},
                        error);
    ASSERT_TRUE(s) << error;
    EXPECT_EQ(s->timeout, std::chrono::milliseconds(3000));
    EXPECT_EQ(s->schedule_delay, std::chrono::milliseconds(250));
    EXPECT_EQ(s->max_queue, 100u);
    EXPECT_EQ(s->max_batch, 20u);

    const auto traces = read({{endpoint, "http://c:4318"},
                              {"OTEL_EXPORTER_OTLP_TIMEOUT", "3000"},
                              {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "500"}},
                             error);
    ASSERT_TRUE(traces) << error;
    EXPECT_EQ(traces->timeout, std::chrono::milliseconds(500));

    // A smaller queue alone lowers the default batch size.
    const auto small = read({{endpoint, "http://c:4318"}, {"OTEL_BSP_MAX_QUEUE_SIZE", "100"}}, error);
    ASSERT_TRUE(small) << error;
    EXPECT_EQ(small->max_batch, 100u);

    for (const char* name : {"OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
                             "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"}) {
        for (const char* value : {"0", "-1", "abc", "1.5", "99999999999999999999999", "1000001"}) {
            error_for({{endpoint, "http://c:4318"}, {name, value}}, name);
        }
    }
    error_for(
        {{endpoint, "http://c:4318"}, {"OTEL_BSP_MAX_QUEUE_SIZE", "10"}, {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "11"}},
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
}

}  // namespace
}  // namespace arcade_mcp::detail::observe
