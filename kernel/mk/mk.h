// The multikernel inside one partition's kernel (kernel-internal): boot hooks and the pieces the
// channel, RPC and offload units share.
#pragma once

#include "mk/shared.h"

namespace uk::mk {

// At boot, before main(): finds channel memory (or makes a local stand-in) and, when there are
// other partitions, starts this partition's service threads.
void init();
void start_services();
// From the software-interrupt handler: another partition may have sent or made room.
void on_doorbell();

// Delivers a message of the offload protocol (a request or its answer) within this partition,
// never behind the data waiting in its own ring (channel.cpp says why).
void send_to_self(uk_msg* msg);

// Counters shared by several threads.
inline void count(uint64_t& counter) { __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED); }

}  // namespace uk::mk
