// Segregated-fit allocator. Small blocks (up to 4 KiB including the header) come in power-of-two
// classes with one free list each; larger blocks are first-fit from an address-ordered free list
// that coalesces neighbours and gives the top block back to the untouched region. Every block
// starts with a 16-byte header; aligned allocations put their header just below the payload.
//
// On a tagged hart (boot info `policies` != 0) the allocator colours every allocation itself with
// the tag instructions (abi/unitag/tag_isa.h), so it tells the heap policy not to bind malloc & co.
// by symbol (UNITAG_TAG_AWARE_ALLOCATOR_SYMBOL below: binding by symbol tracks one call per hart
// and cannot follow a thread preempted inside malloc). The tag instructions and the accesses to
// headers and free lists (words of no allocation, or of a freed one) need allocator authority,
// which the loader grants by symbol name: to malloc, free, calloc, realloc, aligned_alloc,
// memalign, posix_memalign, and to every function named unitag_allocator_* (the contract is in
// abi/unitag/tag_contract.h). So each helper that touches allocator words carries such a name
// (asm labels below), whether or not it is inlined.
#include "mm/heap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched.h"
#include "unitag/kernel.h"
#include "unitag/sync.h"
#include "unitag/tag_contract.h"
#include "unitag/tag_isa.h"

// Read by the loader only: its presence turns the heap policy's symbol binding off. An absolute
// symbol, so --gc-sections has no section to drop.
__asm__(".globl " UNITAG_TAG_AWARE_ALLOCATOR_SYMBOL "\n.set " UNITAG_TAG_AWARE_ALLOCATOR_SYMBOL
        ", 1");

#define UK_ALLOCATOR_SYMBOL(name) __asm__(UNITAG_ALLOCATOR_PREFIX #name)

namespace uk {
namespace {

constexpr uint32_t kLiveMagic = 0x48454150;  // "HEAP"
constexpr uint32_t kFreeMagic = 0x46524545;  // "FREE"
constexpr size_t kHeader = 16, kMinBlock = 32, kMaxSmall = 4096, kClasses = 8;

struct Header {
  uint32_t magic;
  uint32_t offset;     // payload header minus block start (aligned allocations)
  uint32_t units;      // block size / 16
  uint32_t requested;  // bytes asked for (what the tag colour covers)
};
static_assert(sizeof(Header) == kHeader);

// Free blocks keep their first word (the header's magic when the header is at the block start)
// so a second free() of the same pointer is recognised.
struct FreeSmall {
  uint64_t magic_word;
  FreeSmall* next;
};
struct FreeLarge {
  uint64_t magic_word;
  uint64_t size;
  FreeLarge* next;
};

uk_spinlock g_lock;
uintptr_t g_top, g_end;  // untouched region [g_top, g_end)
uint64_t g_size, g_in_use, g_peak;
FreeSmall* g_small[kClasses];
FreeLarge* g_large;
bool g_tagging;

unsigned class_of(size_t block) UK_ALLOCATOR_SYMBOL(class_of);
unsigned class_of(size_t block) {  // block is a multiple of 16, at most kMaxSmall
  unsigned c = 0;
  while ((kMinBlock << c) < block) ++c;
  return c;
}

uintptr_t take_from_top(size_t size) UK_ALLOCATOR_SYMBOL(take_from_top);
uintptr_t take_from_top(size_t size) {
  if (g_end - g_top < size) return 0;
  const uintptr_t b = g_top;
  g_top += size;
  return b;
}

uintptr_t take_large(size_t size, size_t* actual) UK_ALLOCATOR_SYMBOL(take_large);
uintptr_t take_large(size_t size, size_t* actual) {
  for (FreeLarge** link = &g_large; *link; link = &(*link)->next) {
    FreeLarge* f = *link;
    if (f->size < size) continue;
    if (f->size - size >= kMaxSmall) {  // split: the tail stays free
      auto* rest = reinterpret_cast<FreeLarge*>(reinterpret_cast<uintptr_t>(f) + size);
      rest->magic_word = kFreeMagic;
      rest->size = f->size - size;
      rest->next = f->next;
      *link = rest;
      *actual = size;
    } else {
      *actual = f->size;
      *link = f->next;
    }
    return reinterpret_cast<uintptr_t>(f);
  }
  *actual = size;
  return take_from_top(size);
}

void give_large(uintptr_t block, uint64_t size) UK_ALLOCATOR_SYMBOL(give_large);
void give_large(uintptr_t block, uint64_t size) {
  FreeLarge** link = &g_large;
  FreeLarge* prev = nullptr;
  while (*link && reinterpret_cast<uintptr_t>(*link) < block) {
    prev = *link;
    link = &(*link)->next;
  }
  auto* f = reinterpret_cast<FreeLarge*>(block);
  f->magic_word = kFreeMagic;
  f->size = size;
  f->next = *link;
  *link = f;
  if (f->next && block + f->size == reinterpret_cast<uintptr_t>(f->next)) {
    f->size += f->next->size;
    f->next = f->next->next;
  }
  if (prev && reinterpret_cast<uintptr_t>(prev) + prev->size == block) {
    prev->size += f->size;
    prev->next = f->next;
    f = prev;
  }
  if (reinterpret_cast<uintptr_t>(f) + f->size == g_top) {  // the highest block: back to the top
    FreeLarge** l = &g_large;
    while (*l != f) l = &(*l)->next;
    *l = f->next;
    g_top = reinterpret_cast<uintptr_t>(f);
  }
}

// Returns a block of at least `size` bytes (multiple of 16) and its real size.
uintptr_t take(size_t size, size_t* actual) UK_ALLOCATOR_SYMBOL(take);
uintptr_t take(size_t size, size_t* actual) {
  if (size <= kMaxSmall) {
    const unsigned c = class_of(size < kMinBlock ? kMinBlock : size);
    *actual = kMinBlock << c;
    if (FreeSmall* f = g_small[c]) {
      g_small[c] = f->next;
      return reinterpret_cast<uintptr_t>(f);
    }
    return take_from_top(*actual);
  }
  return take_large(size, actual);
}

void* allocate(size_t n, size_t align) UK_ALLOCATOR_SYMBOL(allocate);
void* allocate(size_t n, size_t align) {
  if (n > (1ull << 31)) return nullptr;
  const size_t extra = align > kHeader ? align : 0;
  const size_t size = (n + kHeader + extra + 15) & ~size_t{15};
  const uint64_t flags = uk_spin_lock(&g_lock);
  size_t actual = 0;
  const uintptr_t block = take(size, &actual);
  if (block) {
    g_in_use += actual;
    if (g_in_use > g_peak) g_peak = g_in_use;
  }
  uk_spin_unlock(&g_lock, flags);
  if (!block) return nullptr;
  uintptr_t payload = block + kHeader;
  if (extra) payload = (payload + align - 1) & ~(uintptr_t(align) - 1);
  auto* h = reinterpret_cast<Header*>(payload - kHeader);
  *h = Header{kLiveMagic, uint32_t(payload - kHeader - block), uint32_t(actual / 16), uint32_t(n)};
  void* p = reinterpret_cast<void*>(payload);
  if (__builtin_expect(g_tagging, 0)) p = unitag_tag_alloc(p, n);
  return p;
}

Header* header_of(void* p, const char* who) UK_ALLOCATOR_SYMBOL(header_of);
Header* header_of(void* p, const char* who) {
  auto* h = reinterpret_cast<Header*>(reinterpret_cast<uintptr_t>(p) - kHeader);
  if (reinterpret_cast<uintptr_t>(p) % 16 || h->magic != kLiveMagic) {
    if (h->magic == kFreeMagic) uk_panic("%s(%p): double free", who, p);
    uk_panic("%s(%p): not a pointer from malloc", who, p);
  }
  return h;
}

// Not a name the loader knows: its header access runs in a helper with authority.
[[gnu::noinline]] size_t usable_size(void* p) UK_ALLOCATOR_SYMBOL(usable_size);
size_t usable_size(void* p) {
  const Header* h = header_of(p, "malloc_usable_size");
  return g_tagging ? h->requested : size_t(h->units) * 16 - h->offset - kHeader;
}

}  // namespace

void heap_init(uintptr_t start, uintptr_t end, bool tagging) {
  g_top = (start + 15) & ~uintptr_t{15};
  g_end = end & ~uintptr_t{15};
  g_size = g_end > g_top ? g_end - g_top : 0;
  g_tagging = tagging;
}

HeapStats heap_stats() { return {g_size, g_in_use, g_peak}; }

}  // namespace uk

using namespace uk;

extern "C" void* malloc(size_t n) {
  void* p = allocate(n, 16);
  if (!p) errno = ENOMEM;
  return p;
}

extern "C" void free(void* p) {
  if (!p) return;
  Header* h = header_of(p, "free");
  if (__builtin_expect(g_tagging, 0)) unitag_tag_free(p, h->requested);
  const uintptr_t block = reinterpret_cast<uintptr_t>(h) - h->offset;
  const size_t size = size_t(h->units) * 16;
  h->magic = kFreeMagic;
  const uint64_t flags = uk_spin_lock(&g_lock);
  g_in_use -= size;
  if (size <= kMaxSmall) {
    const unsigned c = class_of(size);
    auto* f = reinterpret_cast<FreeSmall*>(block);
    f->magic_word = kFreeMagic;
    f->next = g_small[c];
    g_small[c] = f;
  } else {
    give_large(block, size);
  }
  uk_spin_unlock(&g_lock, flags);
}

extern "C" void* calloc(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return nullptr;
  }
  void* p = malloc(n);
  if (p) memset(p, 0, n);
  return p;
}

extern "C" void* realloc(void* p, size_t n) {
  if (!p) return malloc(n);
  if (n == 0) {
    free(p);
    return nullptr;
  }
  Header* h = header_of(p, "realloc");
  const size_t capacity = size_t(h->units) * 16 - h->offset - kHeader;
  if (n <= capacity && !g_tagging) {  // tagged: a new colour for the new size, so always move
    h->requested = uint32_t(n);
    return p;
  }
  void* q = malloc(n);
  if (!q) return nullptr;
  memcpy(q, p, h->requested < n ? h->requested : n);
  free(p);
  return q;
}

extern "C" void* aligned_alloc(size_t align, size_t n) {
  if (align == 0 || (align & (align - 1))) {
    errno = EINVAL;
    return nullptr;
  }
  void* p = allocate(n, align);
  if (!p) errno = ENOMEM;
  return p;
}

extern "C" void* memalign(size_t align, size_t n) { return aligned_alloc(align, n); }

extern "C" int posix_memalign(void** out, size_t align, size_t n) {
  if (align < sizeof(void*) || (align & (align - 1))) return EINVAL;
  void* p = allocate(n, align);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

extern "C" size_t malloc_usable_size(void* p) { return p ? usable_size(p) : 0; }

extern "C" void uk_memory_stats(struct uk_memory_stats* out) {
  extern char _end[];
  const HeapStats h = heap_stats();
  out->image_bytes = reinterpret_cast<uintptr_t>(_end) - 0x80000000u;
  out->heap_bytes = h.size;
  out->heap_in_use = h.in_use;
  out->heap_peak = h.peak;
  out->thread_count = uk::live_thread_count();
}
