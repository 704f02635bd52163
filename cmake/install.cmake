# Installs the library with a CMake package config: find_package(arcade_mcp) then link
# arcade_mcp::arcade_mcp. Private dependencies of the static library are found by the config.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS arcade_mcp EXPORT arcade_mcp_targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/arcade_mcp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS arcade-eval-ref RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT arcade_mcp_targets NAMESPACE arcade_mcp:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/arcade_mcp)
configure_package_config_file(cmake/arcade_mcpConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/arcade_mcpConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/arcade_mcp)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/arcade_mcpConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/arcade_mcpConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/arcade_mcpConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/arcade_mcp)
