#pragma once
// Reads one column chunk page by page and hands out its values in batches.
// Pages are decompressed one at a time (a dictionary page is kept for the
// whole chunk), so memory is one chunk's compressed bytes plus two pages,
// whatever the row count claims. Values of byte arrays are views into the
// current page (or the dictionary) and stay valid until the next call to
// available() that moves to another page.
//
// What it decodes is what ior writes: v1 data pages of flat columns, PLAIN
// or dictionary indices (RLE_DICTIONARY, PLAIN_DICTIONARY) after a PLAIN
// dictionary page; OPTIONAL columns too (as other writers declare every
// column) as long as they hold no null. Anything else throws FormatError
// naming the feature.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/column_data.hpp"
#include "parquet/reader/byte_source.hpp"
#include "parquet/reader/decompressor.hpp"
#include "parquet/reader/metadata.hpp"
#include "parquet/reader/rle_decoder.hpp"

namespace ior::parquet::reader {

/// Pages larger than this are refused (ior writes pages of about 1 MiB).
inline constexpr std::size_t kMaxPageBytes = std::size_t{64} << 20;

/// One batch of one column's values, in its physical representation.
struct ColumnValues {
  std::vector<std::int32_t> i32;
  std::vector<std::int64_t> i64;
  std::vector<std::string_view> str;  ///< BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY(16)
};

class ColumnCursor {
 public:
  /// optional: the column is OPTIONAL (other writers mark every column so):
  /// its pages carry definition levels, which must all say "present".
  ColumnCursor(std::string name, Physical physical, bool optional = false)
      : name_(std::move(name)), physical_(physical), optional_(optional) {}

  /// Reads the chunk's bytes; data_end is where the footer starts.
  void begin_chunk(ByteSource& src, const ChunkMeta& meta, std::uint64_t data_end, Decompressor& d);
  /// Values left in the current data page, loading the next one when it is
  /// used up; 0 when the chunk has no more.
  std::size_t available();
  /// Decodes the next n (at most available()) values into out (resized to n).
  void take(std::size_t n, ColumnValues& out);

  const std::string& name() const { return name_; }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  std::string_view next_page(PageHeaderMeta& h);
  void load_dictionary(const PageHeaderMeta& h, std::string_view body);
  void start_data_page(const PageHeaderMeta& h, std::string_view body);
  std::string_view skip_definition_levels(std::size_t n, std::string_view body);
  char* buffer(std::unique_ptr<char[]>& b, std::size_t& cap, std::size_t n);

  std::string name_;
  Physical physical_;
  bool optional_ = false;
  Decompressor* decompressor_ = nullptr;
  std::int32_t codec_ = 0;

  std::unique_ptr<char[]> chunk_;
  std::size_t chunk_cap_ = 0, chunk_size_ = 0, pos_ = 0;
  std::unique_ptr<char[]> page_buf_, dict_buf_;
  std::size_t page_cap_ = 0, dict_cap_ = 0;
  std::int64_t values_left_ = 0;  // in the chunk, pages not yet loaded

  // Dictionary of the chunk.
  bool has_dict_ = false;
  std::vector<std::int32_t> dict_i32_;
  std::vector<std::int64_t> dict_i64_;
  std::vector<std::string_view> dict_str_;

  // The current data page.
  std::size_t page_left_ = 0;
  bool page_dict_ = false;
  const char* plain_ = nullptr;
  const char* plain_end_ = nullptr;
  RleDecoder rle_;
  std::vector<std::uint32_t> idx_;
};

}  // namespace ior::parquet::reader
