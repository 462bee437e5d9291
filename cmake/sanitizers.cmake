# Instrumented builds, for every target of the project (included before any target exists).
#
# CN_SANITIZE: the sanitizers to build with, a CMake list: "address;undefined" (ASan + UBSan) or
#   "thread" (TSan). Empty (the default) builds without. Any report stops the process with a
#   non-zero status (-fno-sanitize-recover), so a test that triggers one fails. Works with g++ and
#   clang++; scripts/sanitize builds into build-asan/ and build-tsan/.
# CN_FUZZ: also instruments every target for libFuzzer's coverage (clang only) and builds the
#   fuzz targets of tests/fuzz/ (scripts/fuzz). Without CN_SANITIZE it implies "address;undefined".
set(CN_SANITIZE "" CACHE STRING "Sanitizers for every target: address;undefined, or thread")
option(CN_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only)" OFF)

if(CN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CN_FUZZ needs clang (libFuzzer): configure with CXX=clang++ CC=clang")
  endif()
  if(NOT CN_SANITIZE)
    set(CN_SANITIZE "address;undefined" CACHE STRING
        "Sanitizers for every target: address;undefined, or thread" FORCE)
  endif()
  # Coverage feedback for the libraries too, not only the fuzz target's own file; the targets
  # link with -fsanitize=fuzzer themselves (tests/fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(CN_SANITIZE)
  if("thread" IN_LIST CN_SANITIZE AND "address" IN_LIST CN_SANITIZE)
    message(FATAL_ERROR "CN_SANITIZE: thread and address cannot be combined")
  endif()
  list(JOIN CN_SANITIZE "," cn_sanitizers)
  # Frame pointers for readable stacks; one report is a failure, not a warning.
  add_compile_options(-fsanitize=${cn_sanitizers} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${cn_sanitizers})
  message(STATUS "Sanitizers: ${cn_sanitizers}")
endif()
