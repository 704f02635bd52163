# What `cmake --install` (and the Debian packages, cmake/package.cmake) put where, in two
# components:
#   dev     the library, its test kit, the headers, the CMake package (find_package(arcade_mcp)
#           then arcade_mcp::arcade_mcp, and arcade_mcp::testing), pkg-config files (arcade_mcp,
#           arcade_mcp_testing), and `arcade-mcp` (the project generator) with its templates;
#   server  arcade-eval-ref and the operator CLI arcade-worker-check.
# Every installed path is relative to the prefix: the .pc files and arcade-mcp find their
# neighbours from where they are, so the same files serve /usr (the .deb) and any --prefix.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS arcade_mcp arcade_mcp_testing EXPORT arcade_mcp_targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY include/arcade_mcp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(TARGETS arcade-eval-ref RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(EXPORT arcade_mcp_targets NAMESPACE arcade_mcp:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/arcade_mcp
  COMPONENT dev)
configure_package_config_file(cmake/arcade_mcpConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/arcade_mcpConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/arcade_mcp)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/arcade_mcpConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/arcade_mcpConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/arcade_mcpConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/arcade_mcp COMPONENT dev)

# pkg-config: relocatable (prefix from the .pc file's own directory).
file(RELATIVE_PATH ARCADE_MCP_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" ARCADE_MCP_PC_TO_PREFIX "${ARCADE_MCP_PC_TO_PREFIX}")
foreach(pc arcade_mcp arcade_mcp_testing)
  configure_file(cmake/${pc}.pc.in ${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
endforeach()
