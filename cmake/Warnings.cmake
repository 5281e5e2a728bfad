# Warnings as an explicit list, applied per target with wirecheck_warnings(<target>).
include(CheckCCompilerFlag)
set(WIRECHECK_WARNING_FLAGS
    -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wpointer-arith -Wvla -Wundef -Wcast-align -Wwrite-strings
    -Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough)
set(_wc_supported_warnings "")
foreach(flag IN LISTS WIRECHECK_WARNING_FLAGS)
  string(MAKE_C_IDENTIFIER "HAVE${flag}" var)
  check_c_compiler_flag(${flag} ${var})
  if(${var})
    list(APPEND _wc_supported_warnings ${flag})
  endif()
endforeach()

function(wirecheck_warnings target)
  target_compile_options(${target} PRIVATE ${_wc_supported_warnings})
  if(WIRECHECK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
