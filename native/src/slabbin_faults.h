/*
 * slabbin_faults.h - the out-of-memory injection hook of the fault-injection build (the static
 * library slabbin_core_faults, compiled with SLABBIN_FAULT_INJECTION). Test-only: never in the
 * shared library.
 *
 * Every system allocation the core makes (the allocator itself, slab memory, slab headers,
 * owner-table growth, slabs[] growth, the temporary arrays of trim and batch calls) goes through
 * one internal function, which counts the attempts and fails the one the countdown names. Not
 * thread-safe: the countdown is one global for the whole process.
 */
#ifndef SLABBIN_FAULTS_H
#define SLABBIN_FAULTS_H

#include <stdint.h>

/** Arms the countdown: the n-th system allocation from now fails (n >= 1); 0 disarms. Resets the
 *  count of attempts. Only that one allocation fails; the ones after it succeed again. */
void slabbin_fault_arm(uint64_t n);

/** System allocations attempted since the last slabbin_fault_arm() (the failed one included). */
uint64_t slabbin_fault_count(void);

#endif /* SLABBIN_FAULTS_H */
