# Helpers shared by every folder's CMakeLists.txt.

# cn_library(NAME DEPS dep...): a static library from the *.cc files of the calling folder
# (not recursive), or an interface library when the folder holds headers only. Include paths are
# rooted at the repository: #include "runtime/image/...".
function(cn_library name)
  cmake_parse_arguments(ARG "" "" "DEPS;SOURCES" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  list(FILTER srcs EXCLUDE REGEX "_test\\.cc$")
  list(APPEND srcs ${ARG_SOURCES})
  if(NOT srcs)
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${CMAKE_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# cn_test(NAME DEPS dep... [LABELS l...] [DIRS d...]): one GoogleTest binary from the *_test.cc
# files of the calling folder (and DIRS), registered with CTest test by test.
function(cn_test name)
  cmake_parse_arguments(ARG "" "" "DEPS;LABELS;DIRS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  foreach(d IN LISTS ARG_DIRS)
    file(GLOB more CONFIGURE_DEPENDS ${d}/*_test.cc)
    list(APPEND srcs ${more})
  endforeach()
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} cn_testing GTest::gmock GTest::gtest_main)
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  # A GTEST_SKIP (e.g. a Debian tool missing) reports "Skipped" in ctest, never "Passed".
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${labels}"
                       SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  if("unit" IN_LIST labels)
    add_dependencies(cn_unit_tests ${name})
  endif()
endfunction()

# Builds every test binary labelled `unit` (what scripts/sanitize runs under ASan + UBSan).
add_custom_target(cn_unit_tests)

# cn_embed(TARGET SYMBOL FILE): compiles FILE's bytes into TARGET as
#   namespace connaisseur::embedded { extern const std::string_view SYMBOL; }
# so the binary runs without any file beside it.
function(cn_embed target symbol file)
  set(out ${CMAKE_BINARY_DIR}/generated/embedded_${symbol}.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DSYMBOL=${symbol}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake
    DEPENDS ${file} ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake
    COMMENT "Embedding ${file}")
  target_sources(${target} PRIVATE ${out})
endfunction()

include(GoogleTest)
