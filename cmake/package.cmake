# Debian packages with CPack: `cmake --build build/release --target package` (or `cpack` in the
# build folder) writes into the build folder
#   libarcade-mcp-dev_<version>_<arch>.deb  component dev: library, test kit, headers, CMake and
#                                           pkg-config files, the `arcade-mcp` project generator
#   arcade-eval-ref_<version>_<arch>.deb    component server: arcade-eval-ref, arcade-worker-check
# installable with `apt install ./*.deb` on Debian 12. <version> follows the release tags
# (cmake/version.cmake). The dev package depends on exactly what a program linking the library
# needs (the headers it includes: nlohmann-json; what the static library links: libcrypto,
# libhiredis); the server package's dependencies come from dpkg-shlibdeps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME arcade-mcp)
set(CPACK_PACKAGE_VENDOR "arcade-mcp-cpp")
set(CPACK_PACKAGE_CONTACT "arcade-mcp-cpp maintainers <arcade-mcp-cpp@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "C++20 library for MCP servers that also speak the Arcade worker protocol")
set(CPACK_PACKAGE_VERSION ${ARCADE_MCP_PACKAGE_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL dev server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION ${ARCADE_MCP_PACKAGE_VERSION})
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/arcade-mcp-cpp/arcade-mcp-cpp")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libarcade-mcp-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "nlohmann-json3-dev (>= 3.11), libssl-dev (>= 3), libhiredis-dev")
# libcurl4: loaded at run time for front-door authorization and trace export; the rest builds and
# tests a project made with `arcade-mcp new`.
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "libcurl4, g++ (>= 4:12), cmake (>= 3.25), ninja-build, pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "C++20 library for MCP servers that also speak the Arcade worker protocol (development files)
 Static library, headers, CMake package and pkg-config files of arcade-mcp-cpp, its test kit,
 and arcade-mcp, which generates a new server project (arcade-mcp new <name>).")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME arcade-eval-ref)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "libcurl4")
set(CPACK_COMPONENT_SERVER_DESCRIPTION
  "Reference MCP server with Arcade worker routes, and its operator CLI
 arcade-eval-ref serves the ArcadeEvalRef toolkit (Echo, Add, Whoami) over MCP (stdio, Streamable
 HTTP) and the Arcade worker protocol; arcade-worker-check mints worker tokens and diagnoses a
 worker registration.")
include(CPack)
