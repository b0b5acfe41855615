# slabbin_add_test(NAME TARGET [ARGS...]): registers the program built by TARGET with ctest, with
# SLABBIN_TEST_LAUNCHER put in front of it: a ;-list such as valgrind and its options
# (scripts/memcheck sets it; empty by default, the program runs directly).
set(SLABBIN_TEST_LAUNCHER "" CACHE STRING
  "Command (;-list) every ctest program runs under, e.g. valgrind and its options")

function(slabbin_add_test name target)
  add_test(NAME ${name} COMMAND ${SLABBIN_TEST_LAUNCHER} $<TARGET_FILE:${target}> ${ARGN})
endfunction()
