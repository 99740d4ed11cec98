// `unitag run --semihost`: the flags for the machine's semihosting service (machine/semihost).
#pragma once

#include <memory>

#include "tools/unitag/run_extension.h"

namespace unitag {

std::unique_ptr<RunExtension> make_semihost_extension();

}  // namespace unitag
