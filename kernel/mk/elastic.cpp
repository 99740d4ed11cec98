// Elastic partitions: the guest side of the machine's partition controller
// (machine/devices/partition_controller.h). Every partition may start or stop one; a spinlock
// in channel memory keeps two from driving the controller at once.
#include <errno.h>

#include "core/boot.h"
#include "mk/mk.h"
#include "unitag/kernel.h"

namespace uk::mk {
namespace {

volatile uint64_t* controller(uint64_t offset) {
  return reinterpret_cast<volatile uint64_t*>(boot_config().partition_controller + offset);
}

int64_t command(uint64_t reg, uint64_t value, uint64_t cmd) {
  Header* h = layout().header();
  const uint64_t flags = uk_spin_lock(&h->controller_lock);
  *controller(reg) = value;
  *controller(0x10) = cmd;
  const int64_t result = int64_t(*controller(0x18));
  uk_spin_unlock(&h->controller_lock, flags);
  return result;
}

}  // namespace

uint64_t harts_of(unsigned p) {
  if (boot_config().partition_controller) return *controller(0x100 + 8 * uint64_t(p));
  return p < 16 ? boot_config().partition_harts[p] : 0;
}

}  // namespace uk::mk

using namespace uk;
using namespace uk::mk;

extern "C" uint64_t uk_idle_harts(void) {
  const unsigned n = boot_config().machine_harts;
  uint64_t idle = n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
  for (unsigned p = 0; p < layout().partitions; ++p) idle &= ~harts_of(p);
  return idle;
}

extern "C" int uk_partition_start(uint64_t harts) {
  if (!boot_config().partition_controller) return -ENOSYS;
  return int(command(0x08, harts, 1));
}

extern "C" int uk_partition_stop(int p) {
  if (!boot_config().partition_controller) return -ENOSYS;
  if (p < 0) return -EINVAL;
  return int(command(0x20, uint64_t(p), 2));
}
