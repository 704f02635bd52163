// libcurl, loaded with dlopen when first needed and shared by its users (the JWKS fetch of
// front-door authorization, the OTLP trace export). Why dlopen: linked, libcurl and the ~30
// libraries it pulls in cost every server ~4 MB of resident memory and several ms of start-up,
// also those that never turn authorization or tracing on. Only the header is used at build time.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>

namespace arcade_mcp::detail {

/// The libcurl functions the library uses, from libcurl.so.4 loaded once (never unloaded).
struct curl_api {
    CURLcode (*global_init)(long) = nullptr;
    CURL* (*easy_init)() = nullptr;
    void (*easy_cleanup)(CURL*) = nullptr;
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
    CURLcode (*easy_perform)(CURL*) = nullptr;
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
    const char* (*easy_strerror)(CURLcode) = nullptr;
    curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
    void (*slist_free_all)(curl_slist*) = nullptr;
    std::string error;  ///< why it could not be loaded; "" when loaded (then every pointer is set)
};

/// Loads libcurl.so.4 and calls curl_global_init on first use (thread-safe); later calls return
/// the same table.
const curl_api& curl_library();

/// Why libcurl cannot be used here (libcurl.so.4 missing or broken), or nullopt. Loads it.
std::optional<std::string> curl_unavailable();

}  // namespace arcade_mcp::detail
