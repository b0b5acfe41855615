# slabbin_warnings(target): the project's warning flags (-Wall -Wextra ...), -Werror when
# SLABBIN_WERROR is on.
function(slabbin_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4)
    if(SLABBIN_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
      -Wno-sign-conversion -Wstrict-prototypes -Wmissing-prototypes)
    if(SLABBIN_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
