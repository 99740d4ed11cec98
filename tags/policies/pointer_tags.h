// What the policies that tag heap blocks and the pointers to them (heap, mte) share: the
// allocator functions they bind and the code with allocator authority (the host/guest contract:
// abi/unitag/tag_contract.h), and how a pointer's tag follows it through moves and arithmetic.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abi/unitag/tag_contract.h"
#include "tags/engine/policy.h"

namespace unitag::tags {

// picolibc's allocation functions, bound by symbol.
inline constexpr std::string_view kStandardAllocators[] = {UNITAG_STANDARD_ALLOCATORS};

// glibc's own allocator code beyond the standard entry points (malloc/malloc.c, arena.c): the
// internals, the aliases, and what runs outside a call to a bound function, such as the thread
// cache freed at thread exit (tcache_thread_shutdown, inlined into
// __malloc_arena_thread_freeres), which frees blocks already freed by the program and the cache
// itself, which malloc never returned.
inline constexpr std::string_view kGlibcAllocatorInternals[] = {"__libc_malloc",
                                                                "__libc_free",
                                                                "__libc_calloc",
                                                                "__libc_realloc",
                                                                "__libc_memalign",
                                                                "__libc_valloc",
                                                                "__libc_pvalloc",
                                                                "__malloc",
                                                                "__free",
                                                                "__calloc",
                                                                "_int_malloc",
                                                                "_int_free",
                                                                "_int_realloc",
                                                                "_int_memalign",
                                                                "_mid_memalign",
                                                                "malloc_consolidate",
                                                                "sysmalloc",
                                                                "sysmalloc_mmap",
                                                                "sysmalloc_mmap_fallback",
                                                                "systrim",
                                                                "munmap_chunk",
                                                                "mremap_chunk",
                                                                "unlink_chunk",
                                                                "tcache_init",
                                                                "tcache_thread_shutdown",
                                                                "__malloc_arena_thread_freeres",
                                                                "arena_get2",
                                                                "arena_get_retry",
                                                                "ptmalloc_init",
                                                                "int_mallinfo",
                                                                "__malloc_trim",
                                                                "malloc_trim",
                                                                "__malloc_usable_size",
                                                                "malloc_usable_size"};

// The standard allocators, unless the image's allocator tags memory itself (tag instructions).
std::vector<std::string> standard_allocator_bindings(const ImageFacts& facts);
// Whether pc is in an allocator function: a standard one, a prefixed helper or glibc's
// internals (or a compiler's clone of any: free.part.0, malloc.constprop.1).
bool is_allocator_code(const ImageFacts& facts, uint64_t pc);
// Whether a bound call comes from the allocator itself (outside any bound call: glibc freeing its
// thread cache at thread exit): part of the allocator's own bookkeeping, not the program's
// allocation or free, so it neither colours nor is checked.
inline bool called_by_allocator(const ImageFacts& facts, const BoundCall& call) {
  return is_allocator_code(facts, call.call_site);
}

// Instruction tags: code with allocator authority (may touch any block's words), or, on a
// `sub`, that it subtracts: pointer - integer is a pointer, but pointer - pointer (a length)
// and integer - pointer are integers. An AMO's says what it does with a stored pointer (rules
// see only its opgroup): 64-bit, rd gets the old word, the word gets rs2 (swap, sc), or it
// only reads (lr). On an `andi` with a non-negative mask, that it keeps only low bits: `p & 7`
// is an offset, never a pointer (`p & -8` is).
inline constexpr Meta kAllocatorAuthority = 1, kSubtracts = 2;
inline constexpr Meta kMasksLow = 64;
inline constexpr Meta kAmo64 = 4, kAmoReturnsOld = 8, kAmoStoresRs2 = 16, kAmoOnlyReads = 32;
Meta pointer_code_meta(const ImageFacts& facts, uint64_t pc);
// The inputs such a rule reads: the pointer's tag on moves, arithmetic and accesses; the stored
// pointer's tag (rs2) on 64-bit stores; the memory word's tag on accesses.
unsigned pointer_tag_inputs(OpGroup op);
// The tag of rd after a move or pointer arithmetic on operands tagged rs1 and rs2 (nullopt for
// any other opgroup): pointer +- integer keeps the pointer's tag, two different ones cancel.
std::optional<Meta> derived_pointer_tag(OpGroup op, Meta ci, Meta rs1, Meta rs2);

// How an access moves the pointer a memory word holds (each word keeps the tag of the pointer
// stored in it): 64-bit loads, lr.d and 64-bit AMOs hand it to rd; sd, sc.d and amoswap.d store
// rs2's; the other 64-bit AMOs store the old one combined with rs2 as arithmetic does (a pointer
// advanced by amoadd.d stays one); narrower stores and AMOs leave none (a broken pointer).
struct StoredPointerFlow {
  bool rd_gets_stored = false;  // rd = the word's stored pointer
  bool writes = false;          // the word is written (else it keeps its tag)
  bool stores_rs2 = false;      // ... holding rs2's pointer
  bool combines = false;        // ... holding the stored one combined with rs2's
};
StoredPointerFlow stored_pointer_flow(OpGroup op, Meta ci);
// The pointer a word holds after `flow` ran on it (0: none).
Meta stored_pointer_after(const StoredPointerFlow& flow, Meta stored, Meta rs2);

}  // namespace unitag::tags
