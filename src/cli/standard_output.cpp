#include "cli/standard_output.hpp"

#include <unistd.h>

#include "base/error.hpp"
#include "base/write_all.hpp"

namespace ior::cli {

void write_stdout(std::string_view text) {
  if (int err = write_all(STDOUT_FILENO, text); err != 0) throw SystemError("cannot write to standard output", err);
}

}  // namespace ior::cli
