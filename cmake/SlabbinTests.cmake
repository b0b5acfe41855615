# slabbin_add_test(NAME TARGET [ARGS...]): registers the program built by TARGET with ctest, with
# SLABBIN_TEST_LAUNCHER put in front of it: a ;-list such as valgrind and its options
# (scripts/memcheck sets it; empty by default, the program runs directly).
set(SLABBIN_TEST_LAUNCHER "" CACHE STRING
  "Command (;-list) every ctest program runs under, e.g. valgrind and its options")

function(slabbin_add_test name target)
  if(SLABBIN_TEST_LAUNCHER)
    add_test(NAME ${name} COMMAND ${SLABBIN_TEST_LAUNCHER} $<TARGET_FILE:${target}> ${ARGN})
  else()
    # By the target's name: ctest then runs it through CMAKE_CROSSCOMPILING_EMULATOR (qemu-user,
    # Wine) in a cross build (cmake/toolchains).
    add_test(NAME ${name} COMMAND ${target} ${ARGN})
  endif()
endfunction()
