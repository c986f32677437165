// Per-instruction-set clones for hot loops: GCC emits one copy per target and the dynamic loader picks the
// best for the CPU at load time (ifunc). Elsewhere (non-x86, other compilers) the loops compile once.
#pragma once
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MBN_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define MBN_X86 1
#elif defined(__x86_64__)
#define MBN_CLONES
#define MBN_X86 1
#else
#define MBN_CLONES
#define MBN_X86 0
#endif
