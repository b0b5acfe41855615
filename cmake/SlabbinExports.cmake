# How libslabbin is linked and checked on every platform.
#
# slabbin_shared_library(target): the platform's file name (slabbin.dll on Windows, as
#   System.mapLibraryName("slabbin") expects, not MinGW's libslabbin.dll), only the public C API and
#   the JNI entry points exported (hidden visibility everywhere, plus slabbin.map on ELF platforms
#   and no automatic exports on MinGW), libgcc linked statically so the library needs nothing but
#   the C library.
# slabbin_add_library_check(target): a ctest test, library_check, that runs CheckLibrary.cmake on
#   the built file: exported symbols, needed libraries, and on glibc platforms the newest glibc
#   symbol version (at most SLABBIN_GLIBC_MAX).
set(SLABBIN_GLIBC_MAX "2.17" CACHE STRING "Newest glibc symbol version the library may need")
set(_slabbin_exports_dir "${CMAKE_CURRENT_LIST_DIR}")

function(slabbin_shared_library target)
  if(WIN32)
    set_target_properties(${target} PROPERTIES PREFIX "")
  endif()
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE)
    target_link_options(${target} PRIVATE -static-libgcc)
    if(WIN32)
      target_link_options(${target} PRIVATE -Wl,--exclude-all-symbols)
    else()
      set(_map "${_slabbin_exports_dir}/slabbin.map")
      target_link_options(${target} PRIVATE "-Wl,--version-script=${_map}")
      set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_map}")
    endif()
  endif()
endfunction()

function(slabbin_add_library_check target)
  if(WIN32)
    set(_format PE)
  elseif(APPLE)
    set(_format MACHO)
  else()
    set(_format ELF)
  endif()
  if((_format STREQUAL "MACHO" AND NOT CMAKE_NM) OR
     (NOT _format STREQUAL "MACHO" AND (NOT CMAKE_OBJDUMP OR NOT CMAKE_NM)))
    message(STATUS "slabbin: no nm/objdump for this toolchain (MSVC?): no library_check test")
    return()
  endif()
  set(_glibc "")
  if(_format STREQUAL "ELF" AND NOT SLABBIN_LIBC STREQUAL "musl")
    set(_glibc "${SLABBIN_GLIBC_MAX}")
  endif()
  add_test(NAME library_check
    COMMAND ${CMAKE_COMMAND}
      -DLIB=$<TARGET_FILE:${target}> -DFORMAT=${_format} -DNM=${CMAKE_NM}
      -DOBJDUMP=${CMAKE_OBJDUMP} -DHEADER=${PROJECT_SOURCE_DIR}/include/slabbin.h
      -DJNI=${SLABBIN_JNI} -DJNI_HEADERS=${SLABBIN_JNI_HEADERS} -DGLIBC_MAX=${_glibc}
      -DREPORT=${CMAKE_BINARY_DIR}/library-check.txt
      -P ${_slabbin_exports_dir}/CheckLibrary.cmake)
endfunction()
