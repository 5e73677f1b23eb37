#include "manifest_rows.hpp"

#include "reader_runner.hpp"

namespace ior::testing {

std::size_t find_manifest_row(const std::vector<std::string>& lines, std::size_t from, const ManifestLine& m) {
  const std::string tid = std::to_string(m.tid), ret = std::to_string(m.ret);
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (json_field(lines[i], "tid") == tid && json_field(lines[i], "s") == m.name && json_field(lines[i], "r") == ret) {
      return i;
    }
  }
  return lines.size();
}

}  // namespace ior::testing
