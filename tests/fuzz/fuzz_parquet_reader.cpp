// libFuzzer target: arbitrary bytes as a Parquet file for ior's reader
// (footer, Thrift compact decoding, page headers, decompression, PLAIN and
// dictionary decoding). Every column is read. The only acceptable outcomes
// are rows or one ior::Error; a crash, a sanitizer report or an allocation
// beyond the RSS limit is a bug.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/error.hpp"
#include "parquet/reader/file_reader.hpp"
#include "schema/columns.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ior::parquet::reader;
  std::vector<std::string_view> columns;
  for (const auto& c : ior::schema::kColumnInfo) columns.push_back(c.name);
  try {
    FileReader r(std::make_unique<MemorySource>(std::string_view(reinterpret_cast<const char*>(data), size)));
    std::uint64_t sum = 0;
    r.read(columns, {{"timestamp_ns", 1, UINT64_MAX}}, [&](std::span<const ior::schema::EventRow> rows) {
      for (const auto& row : rows) sum += row.filename.size() + row.pid;
    });
    r.min_from_statistics("pid");
    (void)sum;
  } catch (const ior::Error&) {
  }
  return 0;
}
