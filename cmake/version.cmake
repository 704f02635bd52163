# The version follows the release tags: on a tag vX.Y.Z the version is X.Y.Z; N commits after it,
# the packages are X.Y.Z+gitN.gHASH (above the release in Debian's order); with no tag yet, the
# fallback below with ~gitN.gHASH (below the release it leads to). Outside a git checkout (a
# source tarball): the fallback. Sets ARCADE_MCP_VERSION (X.Y.Z, for project()) and
# ARCADE_MCP_PACKAGE_VERSION (the Debian package version). Included before project(); also runs
# as a script (cmake -DSOURCE_DIR=... -P cmake/version.cmake) to print both, for the tests.
set(ARCADE_MCP_FALLBACK_VERSION 0.1.0)
if(NOT SOURCE_DIR)
  set(SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/..)
endif()
set(ARCADE_MCP_VERSION ${ARCADE_MCP_FALLBACK_VERSION})
set(ARCADE_MCP_PACKAGE_VERSION ${ARCADE_MCP_FALLBACK_VERSION})
find_program(ARCADE_MCP_GIT git)
if(ARCADE_MCP_GIT AND EXISTS ${SOURCE_DIR}/.git)
  execute_process(COMMAND ${ARCADE_MCP_GIT} rev-parse --is-shallow-repository WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE shallow OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(shallow STREQUAL "true")
    message(WARNING "a shallow clone: the package version cannot see the release tags (fetch with --tags --unshallow)")
  endif()
  # Release tags only: vX.Y.Z, not pre-releases such as v1.2.3-rc1.
  execute_process(COMMAND ${ARCADE_MCP_GIT} describe --tags --long --match "v[0-9]*.[0-9]*.[0-9]*" --exclude "*-*"
                  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE described RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND described MATCHES "^v([0-9]+\\.[0-9]+\\.[0-9]+)-([0-9]+)-g([0-9a-f]+)$")
    set(ARCADE_MCP_VERSION ${CMAKE_MATCH_1})
    if(CMAKE_MATCH_2 EQUAL 0)
      set(ARCADE_MCP_PACKAGE_VERSION ${CMAKE_MATCH_1})
    else()
      set(ARCADE_MCP_PACKAGE_VERSION "${CMAKE_MATCH_1}+git${CMAKE_MATCH_2}.g${CMAKE_MATCH_3}")
    endif()
  else()
    execute_process(COMMAND ${ARCADE_MCP_GIT} rev-list --count HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                    OUTPUT_VARIABLE count OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND ${ARCADE_MCP_GIT} rev-parse --short=7 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                    OUTPUT_VARIABLE hash OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(count AND hash)
      set(ARCADE_MCP_PACKAGE_VERSION "${ARCADE_MCP_FALLBACK_VERSION}~git${count}.g${hash}")
    endif()
  endif()
endif()
if(CMAKE_SCRIPT_MODE_FILE)
  message("${ARCADE_MCP_VERSION} ${ARCADE_MCP_PACKAGE_VERSION}")
endif()
