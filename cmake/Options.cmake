# The one options file: every build switch wirecheck has, with its default.
option(WIRECHECK_WERROR "Treat compiler warnings as errors" OFF)
set(WIRECHECK_SANITIZE "" CACHE STRING
    "Sanitizers for every target: empty, 'address,undefined' or 'thread'")
option(WIRECHECK_FUZZ "Build the fuzz harnesses for libFuzzer (clang only)" OFF)
option(WIRECHECK_COVERAGE "Instrument for source-based coverage (clang) or gcov (gcc)" OFF)
option(WIRECHECK_BUILD_TESTS "Build the cmocka unit tests and end-to-end tests" ON)

if(WIRECHECK_SANITIZE)
  # Applied globally so that the core library, programs, tests and harnesses agree.
  set(_wc_san -fsanitize=${WIRECHECK_SANITIZE} -fno-omit-frame-pointer)
  if(WIRECHECK_SANITIZE MATCHES "address|undefined")
    list(APPEND _wc_san -fno-sanitize-recover=all)
  endif()
  add_compile_options(${_wc_san})
  add_link_options(${_wc_san})
endif()

if(WIRECHECK_COVERAGE)
  if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-fprofile-instr-generate -fcoverage-mapping)
    add_link_options(-fprofile-instr-generate)
  else()
    add_compile_options(--coverage)
    add_link_options(--coverage)
  endif()
endif()

if(WIRECHECK_FUZZ)
  # Binaries that do not depend on where the tree is checked out (no absolute paths in
  # __FILE__ or debug info), so that the test command's fixed fuzz runs (fuzz/run-fixed)
  # behave the same in every clone.
  add_compile_options(-ffile-prefix-map=${CMAKE_SOURCE_DIR}=.)
endif()
