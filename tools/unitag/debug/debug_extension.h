// `unitag run` flags for debugging: --gdb PORT / --gdb-wait (the remote stub) and --trace FILE
// with its filters. Hooks are installed when the run starts, after every extension attached, so
// they wrap whatever a tag engine put on the harts.
#pragma once

#include <memory>

#include "tools/unitag/run_extension.h"

namespace unitag {

std::unique_ptr<RunExtension> make_debug_extension();

}  // namespace unitag
