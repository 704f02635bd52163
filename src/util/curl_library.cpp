// The dlopen'ed libcurl function table (see curl_library.hpp for why libcurl is not linked).
#include "util/curl_library.hpp"

#include <dlfcn.h>

namespace arcade_mcp::detail {
namespace {

template <class F>
bool bind(curl_api& api, void* lib, const char* name, F& target) {
    target = reinterpret_cast<F>(::dlsym(lib, name));
    if (target == nullptr) api.error.assign("libcurl.so.4 lacks ").append(name);  // not `+`: GCC 12 -Warray-bounds
    return target != nullptr;
}

curl_api load() {
    curl_api a;
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = ::dlerror();
        a.error.assign("libcurl.so.4 could not be loaded: ").append(why ? why : "unknown error");
        return a;
    }
    const bool all =
        bind(a, lib, "curl_global_init", a.global_init) && bind(a, lib, "curl_easy_init", a.easy_init) &&
        bind(a, lib, "curl_easy_cleanup", a.easy_cleanup) && bind(a, lib, "curl_easy_setopt", a.easy_setopt) &&
        bind(a, lib, "curl_easy_perform", a.easy_perform) && bind(a, lib, "curl_easy_getinfo", a.easy_getinfo) &&
        bind(a, lib, "curl_easy_strerror", a.easy_strerror) && bind(a, lib, "curl_slist_append", a.slist_append) &&
        bind(a, lib, "curl_slist_free_all", a.slist_free_all);
    if (all && a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) a.error = "curl_global_init failed";
    return a;
}

}  // namespace

const curl_api& curl_library() {
    static const curl_api api = load();
    return api;
}

std::optional<std::string> curl_unavailable() {
    const auto& api = curl_library();
    if (api.error.empty()) return std::nullopt;
    return api.error;
}

}  // namespace arcade_mcp::detail
