#include "parquet/reader/file_reader.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "base/error.hpp"
#include "parquet/column_data.hpp"
#include "parquet/reader/column_cursor.hpp"
#include "parquet/reader/decompressor.hpp"
#include "schema/columns.hpp"
#include "schema/schema_version.hpp"
#include "sink/text_row.hpp"

namespace ior::parquet::reader {
namespace {

constexpr std::size_t kBatchRows = 1024;
constexpr std::uint64_t kMaxFooterBytes = std::uint64_t{64} << 20;

std::int32_t thrift_type_of(Physical p) {
  switch (p) {
    case Physical::kInt32: return 1;
    case Physical::kInt64: return 2;
    case Physical::kByteArray: return 6;
    case Physical::kFixedLenByteArray16: return 7;
  }
  return -1;
}

using Assign = std::function<void(const ColumnValues&, schema::EventRow*, std::size_t)>;

// How each ior column's values land in EventRow, by column index.
const std::vector<Assign>& assigners() {
  static const std::vector<Assign> table = [] {
    std::vector<Assign> t;
    schema::for_each_column([&](const auto& c) {
      using T = std::decay_t<decltype(std::declval<schema::EventRow>().*(c.member))>;
      auto m = c.member;
      t.push_back([m](const ColumnValues& v, schema::EventRow* rows, std::size_t n) {
        if constexpr (std::is_same_v<T, std::string_view>) {
          for (std::size_t i = 0; i < n; ++i) rows[i].*m = v.str[i];
        } else if constexpr (std::is_same_v<T, schema::Uuid>) {
          for (std::size_t i = 0; i < n; ++i) std::memcpy((rows[i].*m).data(), v.str[i].data(), 16);
        } else if constexpr (sizeof(T) == 8) {
          for (std::size_t i = 0; i < n; ++i) rows[i].*m = static_cast<T>(v.i64[i]);
        } else {
          for (std::size_t i = 0; i < n; ++i) rows[i].*m = static_cast<T>(v.i32[i]);
        }
      });
    });
    return t;
  }();
  return table;
}

std::optional<std::size_t> ior_column(std::string_view name) {
  for (std::size_t i = 0; i < schema::kColumnCount; ++i) {
    if (schema::kColumnInfo[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace

struct FileReader::Leaf {
  std::string name;
  std::size_t index = 0;  // in the row groups' column lists
  const SchemaNode* node = nullptr;
};

FileReader::~FileReader() = default;

FileReader::FileReader(std::unique_ptr<ByteSource> src) : src_(std::move(src)) {
  const std::uint64_t size = src_->size();
  if (size < 12) throw FormatError("not a Parquet file (" + std::to_string(size) + " bytes)");
  char head[4], tail[8];
  src_->read(0, 4, head);
  src_->read(size - 8, 8, tail);
  if (std::memcmp(tail + 4, "PARE", 4) == 0) {
    throw FormatError("encrypted Parquet (PARE footer) is not supported by ior's reader");
  }
  if (std::memcmp(head, "PAR1", 4) != 0 || std::memcmp(tail + 4, "PAR1", 4) != 0) {
    throw FormatError("not a Parquet file, or truncated (no PAR1 magic at both ends)");
  }
  std::uint32_t footer_len;
  std::memcpy(&footer_len, tail, 4);
  if (footer_len > size - 12) throw FormatError("footer length exceeds the file (truncated or corrupt)");
  if (footer_len > kMaxFooterBytes) throw FormatError("footer larger than 64 MiB");
  data_end_ = size - 8 - footer_len;
  std::string footer(footer_len, '\0');
  src_->read(data_end_, footer_len, footer.data());
  try {
    meta_ = decode_file_meta(footer);
  } catch (const FormatError& e) {
    throw FormatError(std::string("corrupt footer: ") + e.what());
  }
  if (meta_.encrypted) throw FormatError("encrypted Parquet is not supported by ior's reader");
  if (meta_.schema.empty()) throw FormatError("corrupt footer: no schema");
  const std::size_t n_leaves = meta_.schema.size() - 1;
  if (meta_.schema[0].num_children < 0 || static_cast<std::size_t>(meta_.schema[0].num_children) != n_leaves) {
    throw FormatError("nested columns (groups) are not supported by ior's reader");
  }
  for (std::size_t i = 1; i < meta_.schema.size(); ++i) {
    const auto& s = meta_.schema[i];
    if (s.num_children != 0 || !s.type) throw FormatError("nested columns (groups) are not supported by ior's reader");
    leaves_.push_back(Leaf{s.name, i - 1, &s});
  }
  if (meta_.num_rows < 0) throw FormatError("corrupt footer: negative row count");
  std::int64_t sum = 0;
  for (const auto& g : meta_.row_groups) {
    if (g.columns.size() != n_leaves) throw FormatError("corrupt footer: a row group's column count differs from the schema");
    if (g.num_rows < 0 || g.num_rows > meta_.num_rows - sum) throw FormatError("corrupt footer: row group row counts exceed the file's");
    sum += g.num_rows;
  }
  info_.num_rows = static_cast<std::uint64_t>(meta_.num_rows);
  info_.row_groups = meta_.row_groups.size();
  info_.created_by = meta_.created_by;
  for (const auto& [k, v] : meta_.key_value) {
    if (k == schema::kSchemaVersionKey) {
      std::uint64_t n = 0;
      bool ok = !v.empty() && v.size() < 10;
      for (char c : v) ok = ok && c >= '0' && c <= '9';
      if (ok) {
        for (char c : v) n = n * 10 + static_cast<std::uint64_t>(c - '0');
        info_.schema_version = static_cast<std::uint32_t>(n);
      }
    } else if (k == "ior.version") {
      info_.ior_version = v;
    } else if (k == "ior.collection_id") {
      info_.collection_id = v;
    }
  }
  for (const auto& c : schema::kColumnInfo) {
    if (!leaf(c.name)) info_.missing_columns.push_back(c.name);
  }
  if (info_.missing_columns.size() == schema::kColumnCount) {
    throw FormatError("not an ior trace: none of ior's columns (timestamp_ns, pid, syscall_name, ...)");
  }
}

const FileReader::Leaf* FileReader::leaf(std::string_view name) const {
  for (const auto& l : leaves_) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> FileReader::range_of(const Leaf& l, const ChunkMeta& c) const {
  // min_value/max_value follow the logical type's order: unsigned only
  // when the column says so (UINT_8..UINT_64).
  const auto& ct = l.node->converted_type;
  if (!c.stats.has_min_max || !ct || *ct < 11 || *ct > 14) return std::nullopt;
  const std::size_t w = *l.node->type == 1 ? 4 : *l.node->type == 2 ? 8 : 0;
  if (w == 0 || c.stats.min_value.size() != w || c.stats.max_value.size() != w) return std::nullopt;
  std::uint64_t lo = 0, hi = 0;
  std::memcpy(&lo, c.stats.min_value.data(), w);
  std::memcpy(&hi, c.stats.max_value.data(), w);
  return std::make_pair(lo, hi);
}

bool FileReader::may_match(const RowGroupMeta& g, const std::vector<RangeCondition>& where) const {
  for (const auto& w : where) {
    const Leaf* l = leaf(w.column);
    if (!l) continue;
    auto r = range_of(*l, g.columns[l->index]);
    if (r && (r->second < w.lo || r->first > w.hi)) return false;
  }
  return true;
}

std::optional<std::uint64_t> FileReader::min_from_statistics(std::string_view column) const {
  const Leaf* l = leaf(column);
  if (!l) return std::nullopt;
  std::optional<std::uint64_t> min;
  for (const auto& g : meta_.row_groups) {
    if (g.num_rows == 0) continue;
    auto r = range_of(*l, g.columns[l->index]);
    if (!r) return std::nullopt;
    min = min ? std::min(*min, r->first) : r->first;
  }
  return min;
}

void FileReader::read(const std::vector<std::string_view>& columns, const std::vector<RangeCondition>& where,
                      const BatchFn& f) {
  struct Projected {
    const Leaf* leaf;
    std::size_t ior_index;
    ColumnCursor cursor;
    ColumnValues values;
  };
  std::vector<Projected> proj;
  // Strings of rows with notice bit 64 were escaped by the writer (valid
  // UTF-8 for the STRING columns): undoing it needs notice, which is read
  // for that even when not asked for, and then left at its default.
  std::vector<std::string_view> wanted = columns;
  const auto is_text = [](std::string_view name) {
    auto idx = ior_column(name);
    return idx && (schema::kColumnInfo[*idx].type == schema::ColumnType::kString ||
                   schema::kColumnInfo[*idx].type == schema::ColumnType::kLowCardinalityString);
  };
  const bool strings = std::any_of(columns.begin(), columns.end(), is_text);
  const bool notice_asked = std::find(columns.begin(), columns.end(), "notice") != columns.end();
  if (strings && !notice_asked) wanted.push_back("notice");
  sink::TextRowReverse reverse;
  for (auto name : wanted) {
    auto idx = ior_column(name);
    if (!idx) throw Error("internal: unknown column " + std::string(name));
    const Leaf* l = leaf(name);
    if (!l) continue;  // an older ior's file: the column keeps its default
    const Physical p = physical_of(schema::kColumnInfo[*idx].type);
    const SchemaNode& s = *l->node;
    if (*s.type != thrift_type_of(p) || (p == Physical::kFixedLenByteArray16 && s.type_length != 16)) {
      throw FormatError("column " + l->name + " has type " + type_name(*s.type) + ", ior writes it as " +
                        type_name(thrift_type_of(p)));
    }
    if (s.repetition != 0 && s.repetition != 1) {
      throw FormatError("column " + l->name + " is REPEATED: ior's reader reads flat columns, as ior writes them");
    }
    proj.push_back(Projected{l, *idx, ColumnCursor(l->name, p, s.repetition == 1), {}});
  }
  Decompressor decompressor;
  std::vector<schema::EventRow> rows(kBatchRows);
  const auto& assign = assigners();
  for (const auto& g : meta_.row_groups) {
    ++stats_.row_groups;
    if (!may_match(g, where)) {
      ++stats_.row_groups_skipped;
      continue;
    }
    for (auto& p : proj) {
      const ChunkMeta& c = g.columns[p.leaf->index];
      if (c.external) throw FormatError("column " + p.leaf->name + ": data in another file is not supported");
      if (c.encrypted) throw FormatError("column " + p.leaf->name + ": encrypted columns are not supported");
      if (c.path != p.leaf->name) throw FormatError("corrupt footer: column chunk " + c.path + " where " + p.leaf->name + " belongs");
      if (c.type != *p.leaf->node->type) throw FormatError("column " + p.leaf->name + ": chunk type differs from the schema");
      if (!codec_supported(c.codec)) {
        throw FormatError("column " + p.leaf->name + ": codec " + codec_name(c.codec) +
                          " is not supported by ior's reader (it reads UNCOMPRESSED, SNAPPY and ZSTD, as ior writes them)");
      }
      if (c.num_values != g.num_rows) throw FormatError("column " + p.leaf->name + ": value count differs from the row group's rows");
      p.cursor.begin_chunk(*src_, c, data_end_, decompressor);
    }
    auto left = static_cast<std::uint64_t>(g.num_rows);
    while (left > 0) {
      std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBatchRows));
      for (auto& p : proj) {
        std::size_t a = p.cursor.available();
        if (a == 0) throw FormatError("column " + p.leaf->name + " has fewer values than its row group's rows");
        k = std::min(k, a);
      }
      for (auto& p : proj) {
        p.cursor.take(k, p.values);
        assign[p.ior_index](p.values, rows.data(), k);
      }
      if (strings) {
        auto bad = reverse.apply(std::span<schema::EventRow>(rows.data(), k));
        if (!bad.empty()) {
          throw FormatError("column " + std::string(bad) + ": a row marked escaped (notice bit 64) holds a "
                            "backslash that starts no escape (\\\\ or \\xNN)");
        }
        if (!notice_asked) {
          for (std::size_t i = 0; i < k; ++i) rows[i].notice = 0;
        }
      }
      stats_.rows_read += k;
      left -= k;
      f(std::span<const schema::EventRow>(rows.data(), k));
    }
    for (auto& p : proj) {
      if (p.cursor.available() != 0) throw FormatError("column " + p.leaf->name + " has more values than its row group's rows");
    }
  }
}

}  // namespace ior::parquet::reader
