// Research question 4 asks whether tag checking needs a dedicated co-processor. The engine's
// default cost model is in-core (PUMP): the pipeline stalls for every rule-cache miss and every
// tag write. This models the alternative for the same run: the core retires into a FIFO of
// `queue` instructions and goes on; a co-processor beside it checks `width` instructions per
// cycle while its rule cache hits and spends the miss cost on a miss, and does the tag writes.
// The core stalls only when the queue is full, and at the end waits for it to drain.
//
// A fluid model, fed at the same events as the in-core one (each modeled miss, each tag write)
// with the hart's position (instructions checked, instructions retired unchecked) at the event:
// between events the co-processor works off its backlog at width - 1 checks per cycle net of
// what keeps arriving (none with width 1), a queue of Q entries holds Q / width cycles of its
// work. Not modeled: synchronising before I/O (a co-processor that must not let a store leave
// before its check waits for the queue there: these figures are the co-processor's best case),
// the core's own stalls (one instruction per cycle), the queue's area.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace unitag::tags {

class CoprocessorModel {
 public:
  struct Config {
    unsigned width;  // checks per cycle while the co-processor's rule cache hits
    unsigned queue;  // instructions the core may run ahead of the checks
  };
  // The configurations every run reports (--stats tags.coprocessor).
  static constexpr std::array<Config, 4> kConfigs = {{{1, 16}, {1, 1024}, {2, 16}, {2, 1024}}};

  // Work for the co-processor (a miss's cost, a tag write's cycles) at the hart's position:
  // `checked` instructions checked so far, `unchecked` retired without a check (trusted).
  void add_work(uint64_t checked, uint64_t unchecked, uint64_t cycles);
  // Core cycles lost to a full queue, and to the drain at the end if the run ended at this
  // position (what is left of the backlog then). Computes in floating point: after the run.
  double stall_cycles(size_t config, uint64_t checked, uint64_t unchecked) const;

 private:
  // In units of half a cycle (coprocessor_model.cpp: integers only).
  struct Lane {
    uint64_t backlog = 0;  // co-processor work not done yet
    uint64_t stalls = 0;   // core time spent waiting for queue space
    uint64_t checked = 0;  // position of the last event (instructions checked)
    uint64_t core_time = 0;
  };
  // The backlog at the position (before any new work), as add_work advances it.
  static uint64_t drained(const Config& c, const Lane& l, uint64_t checked, uint64_t unchecked);
  std::array<Lane, kConfigs.size()> lanes_{};
};

}  // namespace unitag::tags
