// The list of `unitag run` extensions: one line per feature.
#include "tools/unitag/debug/debug_extension.h"
#include "tools/unitag/run_extension.h"
#include "tools/unitag/semihost_extension.h"

namespace unitag {

std::unique_ptr<RunExtension> make_tags_extension();  // tools/unitag/tags_extension.cpp
#ifdef UNITAG_HAVE_MPI
std::unique_ptr<RunExtension> make_mpi_extension();  // tools/unitag/mpi/mpi_extension.cpp
#endif

std::vector<std::unique_ptr<RunExtension>> make_run_extensions() {
  std::vector<std::unique_ptr<RunExtension>> list;
  list.push_back(make_semihost_extension());
  list.push_back(make_tags_extension());  // before debug: the debugger chains onto tag hooks
  list.push_back(make_debug_extension());
#ifdef UNITAG_HAVE_MPI
  list.push_back(make_mpi_extension());  // last: it drives the run and gathers the others' stats
#endif
  return list;
}

}  // namespace unitag
