#include "parquet/column_chunk_writer.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "parquet/encoding/plain.hpp"
#include "parquet/encoding/rle_bitpack.hpp"
#include "parquet/schema_mapping.hpp"
#include "parquet/statistics.hpp"

namespace ior::parquet {
namespace {

thrift::Codec codec_of(Compression c) {
  switch (c) {
    case Compression::kNone: return thrift::Codec::kUncompressed;
    case Compression::kSnappy: return thrift::Codec::kSnappy;
    case Compression::kZstd: return thrift::Codec::kZstd;
  }
  return thrift::Codec::kUncompressed;
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(std::string name, schema::ColumnType type,
                                     const WriterOptions& options)
    : name_(std::move(name)),
      type_(type),
      physical_(physical_of(type)),
      options_(options) {}

void ColumnChunkWriter::write_plain_pages(const ColumnData& data, std::size_t n, Compressor& c,
                                          std::string& out) {
  // Fixed-width values are already laid out as PLAIN (little-endian) in the
  // column buffers: a page is one memcpy of a slice.
  auto fixed_pages = [&](const char* base, std::size_t width) {
    std::size_t per_page = std::max<std::size_t>(1, options_.data_page_bytes / width);
    for (std::size_t start = 0; start < n; start += per_page) {
      std::size_t count = std::min(per_page, n - start);
      pages_.write(thrift::PageType::kDataPage, thrift::Encoding::kPlain, count,
                   std::string_view(base + start * width, count * width), c, out);
    }
  };
  switch (physical_) {
    case Physical::kInt32:
      fixed_pages(reinterpret_cast<const char*>(data.i32().data()), 4);
      return;
    case Physical::kInt64:
      fixed_pages(reinterpret_cast<const char*>(data.i64().data()), 8);
      return;
    case Physical::kFixedLenByteArray16:
      fixed_pages(data.bytes().data(), 16);
      return;
    case Physical::kByteArray:
      break;
  }
  std::size_t i = 0;
  while (i < n) {
    page_.clear();
    std::size_t start = i;
    while (i < n && page_.size() < options_.data_page_bytes) {
      encoding::plain_byte_array(page_, data.string_at(i));
      ++i;
    }
    pages_.write(thrift::PageType::kDataPage, thrift::Encoding::kPlain, i - start, page_, c, out);
  }
}

void ColumnChunkWriter::write_dictionary_pages(std::string_view plain_page, std::uint32_t size,
                                               const std::vector<std::uint32_t>& idx, Compressor& c,
                                               std::string& out) {
  pages_.write(thrift::PageType::kDictionaryPage, thrift::Encoding::kPlain, size, plain_page, c, out);
  first_data_page_pos_ = out.size();
  int width = encoding::bit_width_for(size == 0 ? 0 : size - 1);
  std::size_t per_page = std::max<std::size_t>(1024, options_.data_page_bytes * 8 /
                                                         static_cast<std::size_t>(width));
  for (std::size_t start = 0; start < idx.size(); start += per_page) {
    std::size_t count = std::min(per_page, idx.size() - start);
    page_.clear();
    page_.push_back(static_cast<char>(width));
    encoding::rle_bitpack_encode(std::span(idx).subspan(start, count), width, page_);
    pages_.write(thrift::PageType::kDataPage, thrift::Encoding::kRleDictionary, count, page_, c, out);
  }
}

// Fixed-width values get a dictionary when the chunk has few distinct ones
// (at most one per kMinRepeatsPerValue values): then the indices take a few
// bits instead of 4-16 bytes, and there is far less left for ZSTD to do.
bool ColumnChunkWriter::write_fixed_dictionary(const ColumnData& data, std::size_t n, Compressor& c,
                                               std::string& out) {
  constexpr std::size_t kMinRepeatsPerValue = 4;
  auto attempt = [&](auto& dict, const void* values, std::size_t width) {
    std::size_t max_distinct = std::min(n / kMinRepeatsPerValue, options_.dictionary_limit_bytes / width);
    if (!dict.build(values, n, max_distinct)) return false;
    write_dictionary_pages(dict.plain_page(), dict.size(), dict.indices(), c, out);
    return true;
  };
  switch (physical_) {
    case Physical::kInt32: return attempt(dict32_, data.i32().data(), 4);
    case Physical::kInt64: return attempt(dict64_, data.i64().data(), 8);
    case Physical::kFixedLenByteArray16: return attempt(dict128_, data.bytes().data(), 16);
    case Physical::kByteArray: return false;
  }
  return false;
}

thrift::ColumnChunk ColumnChunkWriter::write(const ColumnData& data, std::size_t n,
                                             Compressor& compressor, std::string& out,
                                             std::int64_t base_offset) {
  pages_.begin_chunk();
  thrift::ColumnChunk chunk;
  auto& m = chunk.meta_data;
  m.type = thrift_type(physical_);
  m.path_in_schema = {name_};
  m.codec = codec_of(compressor.kind());
  m.num_values = static_cast<std::int64_t>(n);
  chunk.file_offset = base_offset + static_cast<std::int64_t>(out.size());

  const bool strings = uses_dictionary(type_);
  const bool string_dictionary = strings && data.dictionary_encoded();
  fell_back_ = strings && !string_dictionary;
  bool dictionary = string_dictionary;
  if (string_dictionary) {
    const auto& d = data.dictionary();
    if (d.indices().size() != n) throw FormatError("parquet: column " + name_ + ": row count mismatch");
    write_dictionary_pages(d.plain_page(), d.size(), d.indices(), compressor, out);
  } else if (!strings) {
    dictionary = write_fixed_dictionary(data, n, compressor, out);
  }
  if (dictionary) {
    m.dictionary_page_offset = chunk.file_offset;
    m.data_page_offset = base_offset + static_cast<std::int64_t>(first_data_page_pos_);
    m.encodings = {thrift::Encoding::kPlain, thrift::Encoding::kRle,
                   thrift::Encoding::kRleDictionary};
  } else {
    m.data_page_offset = chunk.file_offset;
    write_plain_pages(data, n, compressor, out);
    m.encodings = {thrift::Encoding::kPlain, thrift::Encoding::kRle};
  }
  m.total_uncompressed_size = pages_.uncompressed_total();
  m.total_compressed_size = pages_.compressed_total();
  m.statistics = string_dictionary ? dictionary_statistics(data.dictionary())
                                   : column_statistics(data, physical_, is_signed(type_), n);
  return chunk;
}

}  // namespace ior::parquet
