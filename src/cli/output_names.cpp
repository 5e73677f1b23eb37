#include "cli/output_names.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <optional>

#include "base/error.hpp"
#include "parquet/parquet_sink.hpp"

namespace ior::cli {
namespace {

// Where a name lands: its directory (the same directory by whatever path,
// when it exists) and its last component.
struct Place {
  std::string dir;
  std::string name;
  bool operator==(const Place&) const = default;
};

Place place_of(const std::string& path) {
  const std::filesystem::path p(path);
  std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  Place out{"", p.filename().string()};
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    out.dir = "@" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  } else {
    std::error_code ec;
    out.dir = std::filesystem::absolute(dir, ec).lexically_normal().string();
  }
  return out;
}

// NAME.<n>.parquet of a rotated set, as ParquetSink::rotated_path makes them.
bool in_rotated_set(const Place& set, const Place& file) {
  return set.dir == file.dir && parquet::ParquetSink::rotated_number(set.name, file.name) != 0;
}

bool share(const OutputName& a, const Place& pa, const OutputName& b, const Place& pb) {
  if (a.rotated_set && b.rotated_set) {
    return pa.dir == pb.dir && parquet::ParquetSink::rotated_path(pa.name, 1) == parquet::ParquetSink::rotated_path(pb.name, 1);
  }
  if (a.rotated_set) return in_rotated_set(pa, pb);
  if (b.rotated_set) return in_rotated_set(pb, pa);
  return pa == pb;
}

}  // namespace

void refuse_shared_output_names(const std::vector<OutputName>& outputs) {
  std::vector<Place> places;
  places.reserve(outputs.size());
  for (const auto& o : outputs) places.push_back(place_of(o.path));
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t j = i + 1; j < outputs.size(); ++j) {
      if (!share(outputs[i], places[i], outputs[j], places[j])) continue;
      throw UsageError(outputs[i].flag + " and " + outputs[j].flag + " both write " + outputs[j].path +
                       (outputs[i].rotated_set && !outputs[j].rotated_set ? " (a file of the rotated set)" : "") +
                       ": give each output a file of its own");
    }
  }
}

}  // namespace ior::cli
