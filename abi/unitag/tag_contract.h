/* What a tagged machine and its guest agree on beyond the tag instructions (tag_isa.h): the
 * exception a tag violation is delivered as, and the symbol names by which the loader recognises
 * a guest's allocator. Plain C so guest and host share it; names, not code. Full description:
 * docs/tag-isa.md. */
#ifndef UNITAG_ABI_TAG_CONTRACT_H
#define UNITAG_ABI_TAG_CONTRACT_H

/* mcause of a violation delivered to the guest under --on-violation=trap (mtval = the address, if
 * any). 24 is the first exception code the privileged spec leaves for custom use. */
#define UNITAG_TAG_VIOLATION_CAUSE 24

/* Allocator authority (tag.alloc, tag.free, access to heap words of any colour) is granted by
 * symbol name, from the ELF alone: to the standard allocator functions below and to every
 * function whose name starts with one of the two prefixes. A compiler's clone of such a function
 * (free.part.0, x.isra.0) is that function. A guest names each helper that touches allocator
 * words this way (an asm label), so authority does not depend on what the compiler inlines. */
#define UNITAG_ALLOCATOR_PREFIX "unitag_allocator_"
#define UNITAG_ALLOCATOR_RESERVED_PREFIX "__unitag_allocator"
#define UNITAG_STANDARD_ALLOCATORS \
  "malloc", "free", "calloc", "realloc", "aligned_alloc", "memalign", "posix_memalign"

/* An image whose allocator colours memory itself with the tag instructions defines this symbol
 * (any value): the heap policy then does not also bind the standard allocators by symbol, which
 * would colour each block twice. */
#define UNITAG_TAG_AWARE_ALLOCATOR_SYMBOL "__unitag_tag_aware_allocator"

#endif
