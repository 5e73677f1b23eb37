#include "parquet/file_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <type_traits>

#include "base/error.hpp"
#include "parquet/schema_mapping.hpp"
#include "schema/columns.hpp"
#include "schema/schema_version.hpp"

namespace ior::parquet {
namespace {

constexpr char kMagic[] = "PAR1";

// Buffer bytes of a row without its strings' bytes (for row_group_max_bytes).
constexpr std::size_t kFixedRowBytes = [] {
  std::size_t n = 0;
  for (const auto& c : schema::kColumnInfo) {
    switch (physical_of(c.type)) {
      case Physical::kInt32: n += 4; break;
      case Physical::kInt64: n += 8; break;
      case Physical::kByteArray: n += 4; break;  // an index or an end offset
      case Physical::kFixedLenByteArray16: n += 16; break;
    }
  }
  return n;
}();

std::vector<thrift::SchemaElement> file_schema() {
  std::vector<thrift::SchemaElement> s;
  thrift::SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<std::int32_t>(schema::kColumnCount);
  s.push_back(root);
  for (const auto& c : schema::kColumnInfo) s.push_back(schema_element(c.name, c.type));
  return s;
}

}  // namespace

FileWriter::FileWriter(std::string path, WriterOptions options, ExistingOutput existing)
    : path_(std::move(path)),
      location_(path_),
      options_((validate(options), std::move(options))),
      file_(path_, OutputOptions{.label = "parquet", .existing = existing, .durable = true}),
      compressor_(options_.compression, options_.zstd_level) {
  columns_.reserve(schema::kColumnCount);
  for (const auto& c : schema::kColumnInfo) {
    columns_.emplace_back(uses_dictionary(c.type) ? options_.dictionary_limit_bytes : 0);
    chunk_writers_.emplace_back(std::string(c.name), c.type, options_);
  }
  buf_.assign(kMagic, 4);
  write(buf_);  // on failure file_'s destructor removes the temporary file
  committed_offset_ = offset_;
}

FileWriter::~FileWriter() = default;

void FileWriter::write(const std::string& bytes) {
  file_.write(bytes);
  offset_ += static_cast<std::int64_t>(bytes.size());
}

void FileWriter::append(const schema::EventRow& raw, const schema::RowRepeats& repeats) {
  const schema::EventRow& row = text_.apply(raw);  // STRING columns hold only valid UTF-8
  // A repeated string of the row appended just before takes its index
  // again, when both rows were stored alike: escaping is decided per row.
  const bool escaped = &row != &raw;
  const std::uint64_t reuse = repeats_.follows(repeats) && escaped == last_escaped_ ? repeats.columns : 0;
  last_escaped_ = escaped;
  std::size_t i = 0;
  std::size_t bytes = kFixedRowBytes;
  schema::for_each_column([&](const auto& c) IOR_EVERY_ROW {
    const auto& v = row.*c.member;
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string_view>) {
      bytes += v.size();
      if ((reuse >> i) & 1u) {
        columns_[i++].append_repeated(v);
        return;
      }
    }
    columns_[i++].append(v);
  });
  repeats_.appended(repeats);
  buffered_bytes_ += bytes;
  if (++buffered_ >= options_.row_group_rows || buffered_bytes_ >= options_.row_group_max_bytes) {
    flush_row_group();
  }
}

void FileWriter::flush_row_group() {
  if (buffered_ == 0) return;
  buf_.clear();
  thrift::RowGroup g;
  g.num_rows = static_cast<std::int64_t>(buffered_);
  g.file_offset = offset_;
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    g.columns.push_back(chunk_writers_[k].write(columns_[k], buffered_, compressor_, buf_, offset_));
    g.total_byte_size += g.columns.back().meta_data.total_uncompressed_size;
    g.total_compressed_size += g.columns.back().meta_data.total_compressed_size;
  }
  write(buf_);
  row_groups_.push_back(std::move(g));
  committed_offset_ = offset_;
  committed_rows_ += buffered_;
  clear_columns();
}

void FileWriter::clear_columns() {
  buffered_ = 0;
  buffered_bytes_ = 0;
  for (auto& c : columns_) c.clear();
  repeats_.forget();  // the dictionaries' indices are gone
}

void FileWriter::write_footer(const std::vector<std::pair<std::string, std::string>>& extra) {
  thrift::FileMetaData m;
  m.schema = file_schema();
  m.num_rows = static_cast<std::int64_t>(committed_rows_);
  m.row_groups = row_groups_;
  // Every file says which column list it has, so readers need not infer it
  // from the ior version (docs/PARQUET.md).
  m.key_value_metadata.push_back({std::string(schema::kSchemaVersionKey), std::to_string(schema::kSchemaVersion)});
  for (const auto& [k, v] : options_.metadata) m.key_value_metadata.push_back({k, v});
  for (const auto& [k, v] : extra) m.key_value_metadata.push_back({k, v});
  m.created_by = "ior";
  buf_.clear();
  thrift::CompactWriter w(buf_);
  thrift::write(w, m);
  if (buf_.size() > static_cast<std::size_t>(INT32_MAX)) throw FormatError("parquet: footer exceeds 2 GiB");
  auto len = static_cast<std::uint32_t>(buf_.size());
  for (int b = 0; b < 4; ++b) buf_.push_back(static_cast<char>((len >> (8 * b)) & 0xff));
  buf_.append(kMagic, 4);
  write(buf_);
}

void FileWriter::close(const std::vector<std::pair<std::string, std::string>>& extra) {
  if (!file_.open()) return;
  flush_row_group();
  write_footer(extra);
  try {
    file_.commit();
  } catch (const OutputNotPlaced& e) {
    location_ = e.kept_path();
    not_placed_ = e.what();
    throw;
  }
}

bool FileWriter::salvage(const std::vector<std::pair<std::string, std::string>>& extra_metadata) noexcept {
  if (!file_.open()) return false;
  clear_columns();
  const int fd = file_.fd();
  // On a full disk the failed write may have freed too little room for the
  // footer: drop complete row groups from the end until it fits.
  while (true) {
    try {
      if (::ftruncate(fd, committed_offset_) != 0) break;
      if (::lseek(fd, committed_offset_, SEEK_SET) < 0) break;
      offset_ = committed_offset_;
      auto extra = extra_metadata;
      extra.emplace_back("ior.incomplete", "a write error ended this file early");
      write_footer(extra);
      file_.commit();
      return true;
    } catch (const OutputNotPlaced& e) {
      location_ = e.kept_path();
      not_placed_ = e.what();
      return true;
    } catch (...) {
      if (!file_.open() || row_groups_.empty()) break;
      committed_offset_ = row_groups_.back().file_offset;
      committed_rows_ -= static_cast<std::uint64_t>(row_groups_.back().num_rows);
      row_groups_.pop_back();
    }
  }
  file_.discard();
  return false;
}

}  // namespace ior::parquet
