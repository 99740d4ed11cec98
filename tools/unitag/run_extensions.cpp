// The list of `unitag run` extensions: one line per feature.
#include "tools/unitag/run_extension.h"

namespace unitag {

std::vector<std::unique_ptr<RunExtension>> make_run_extensions() {
  std::vector<std::unique_ptr<RunExtension>> list;
  return list;
}

}  // namespace unitag
