#include "tags/store/shadow_memory.h"

namespace unitag::tags {

ShadowMemory::ShadowMemory(uint64_t ram_size)
    : ram_size_(ram_size),
      page_count_((ram_size + (1u << kPageBits) - 1) >> kPageBits),
      pages_(new std::atomic<std::atomic<Tag>*>[page_count_]),
      default_page_(new std::atomic<Tag>[kWordsPerPage]) {
  for (unsigned i = 0; i < kWordsPerPage; ++i) default_page_[i].store(0, std::memory_order_relaxed);
  for (uint64_t i = 0; i < page_count_; ++i)
    pages_[i].store(default_page_, std::memory_order_relaxed);
}

ShadowMemory::~ShadowMemory() {
  for (uint64_t i = 0; i < page_count_; ++i) {
    std::atomic<Tag>* page = pages_[i].load(std::memory_order_relaxed);
    if (page != default_page_) delete[] page;
  }
  delete[] default_page_;
}

// Two harts may race to allocate the same page: the loser frees its copy and uses the winner's.
std::atomic<Tag>* ShadowMemory::allocate_page(uint64_t index) {
  auto* fresh = new std::atomic<Tag>[kWordsPerPage];
  for (unsigned i = 0; i < kWordsPerPage; ++i) fresh[i].store(0, std::memory_order_relaxed);
  std::atomic<Tag>* expected = default_page_;
  if (pages_[index].compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) {
    allocated_.fetch_add(1, std::memory_order_relaxed);
    return fresh;
  }
  delete[] fresh;
  return expected;
}

}  // namespace unitag::tags
