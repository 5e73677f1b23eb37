#include "parquet/reader/column_cursor.hpp"

#include <algorithm>
#include <cstring>

#include "base/error.hpp"

namespace ior::parquet::reader {
namespace {

constexpr std::int32_t kPlain = 0, kPlainDictionary = 2, kRle = 3, kRleDictionary = 8;
constexpr std::int32_t kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3;

std::size_t width_of(Physical p) {
  switch (p) {
    case Physical::kInt32: return 4;
    case Physical::kInt64: return 8;
    case Physical::kFixedLenByteArray16: return 16;
    case Physical::kByteArray: return 0;
  }
  return 0;
}

}  // namespace

void ColumnCursor::fail(const std::string& what) const { throw FormatError("column " + name_ + ": " + what); }

char* ColumnCursor::buffer(std::unique_ptr<char[]>& b, std::size_t& cap, std::size_t n) {
  if (n > cap) {
    b = std::make_unique_for_overwrite<char[]>(n);
    cap = n;
  }
  return b.get();
}

void ColumnCursor::begin_chunk(ByteSource& src, const ChunkMeta& meta, std::uint64_t data_end, Decompressor& d) {
  decompressor_ = &d;
  codec_ = meta.codec;
  std::int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 && *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  if (start < 4 || meta.total_compressed_size <= 0 || static_cast<std::uint64_t>(start) > data_end ||
      static_cast<std::uint64_t>(meta.total_compressed_size) > data_end - static_cast<std::uint64_t>(start)) {
    fail("chunk lies outside the file's data (offset " + std::to_string(start) + ", " +
         std::to_string(meta.total_compressed_size) + " bytes)");
  }
  if (meta.num_values < 0) fail("negative value count");
  chunk_size_ = static_cast<std::size_t>(meta.total_compressed_size);
  src.read(static_cast<std::uint64_t>(start), chunk_size_, buffer(chunk_, chunk_cap_, chunk_size_));
  pos_ = 0;
  values_left_ = meta.num_values;
  has_dict_ = false;
  page_left_ = 0;
}

// The next page's header and its decompressed body (in the dictionary
// buffer for a dictionary page, else the page buffer).
std::string_view ColumnCursor::next_page(PageHeaderMeta& h) {
  std::size_t header_bytes = 0;
  try {
    h = decode_page_header(std::string_view(chunk_.get() + pos_, chunk_size_ - pos_), &header_bytes);
  } catch (const FormatError& e) {
    fail(std::string("bad page header: ") + e.what());
  }
  pos_ += header_bytes;
  if (h.compressed_size < 0 || h.uncompressed_size < 0) fail("negative page size");
  auto csize = static_cast<std::size_t>(h.compressed_size);
  auto usize = static_cast<std::size_t>(h.uncompressed_size);
  if (csize > chunk_size_ - pos_) fail("page runs past its column chunk");
  if (usize > kMaxPageBytes) {
    fail("page of " + std::to_string(usize) + " bytes (this reader takes pages up to " +
         std::to_string(kMaxPageBytes >> 20) + " MiB)");
  }
  std::string_view in(chunk_.get() + pos_, csize);
  pos_ += csize;
  if (h.type == kDataPageV2) fail("DATA_PAGE_V2 pages are not supported by ior's reader");
  if (h.type != kDataPage && h.type != kDictionaryPage) return {};  // index pages: skipped
  if (codec_ == kCodecUncompressed) {
    if (csize != usize) fail("page sizes disagree (uncompressed page)");
    return in;
  }
  char* out = h.type == kDictionaryPage ? buffer(dict_buf_, dict_cap_, usize) : buffer(page_buf_, page_cap_, usize);
  try {
    decompressor_->decompress(codec_, in, out, usize);
  } catch (const FormatError& e) {
    fail(e.what());
  }
  return std::string_view(out, usize);
}

void ColumnCursor::load_dictionary(const PageHeaderMeta& h, std::string_view body) {
  if (has_dict_) fail("second dictionary page");
  if (h.encoding != kPlain && h.encoding != kPlainDictionary) {
    fail("dictionary page encoding " + encoding_name(h.encoding) + " is not supported by ior's reader");
  }
  if (h.num_values < 0) fail("negative dictionary size");
  auto n = static_cast<std::size_t>(h.num_values);
  const std::size_t w = width_of(physical_);
  dict_i32_.clear();
  dict_i64_.clear();
  dict_str_.clear();
  if (w != 0) {
    if (body.size() / w < n) fail("dictionary page shorter than its values");
    if (physical_ == Physical::kInt32) {
      dict_i32_.resize(n);
      if (n != 0) std::memcpy(dict_i32_.data(), body.data(), n * 4);
    } else if (physical_ == Physical::kInt64) {
      dict_i64_.resize(n);
      if (n != 0) std::memcpy(dict_i64_.data(), body.data(), n * 8);
    } else {
      dict_str_.reserve(n);
      for (std::size_t i = 0; i < n; ++i) dict_str_.push_back(body.substr(i * 16, 16));
    }
  } else {
    if (n > body.size() / 4) fail("dictionary page shorter than its values");
    dict_str_.reserve(n);
    const char* p = body.data();
    const char* end = p + body.size();
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t len;
      if (end - p < 4) fail("dictionary page shorter than its values");
      std::memcpy(&len, p, 4);
      p += 4;
      if (len > static_cast<std::size_t>(end - p)) fail("dictionary value runs past its page");
      dict_str_.emplace_back(p, len);
      p += len;
    }
  }
  has_dict_ = true;
}

// An OPTIONAL column's v1 page starts with its definition levels (4-byte
// length, then RLE/bit-packed at width 1): all must be 1, i.e. no null.
std::string_view ColumnCursor::skip_definition_levels(std::size_t n, std::string_view body) {
  if (body.size() < 4) fail("data page shorter than its definition levels");
  std::uint32_t len;
  std::memcpy(&len, body.data(), 4);
  if (len > body.size() - 4) fail("definition levels run past their page");
  RleDecoder levels(body.data() + 4, body.data() + 4 + len, 1);
  idx_.resize(std::min<std::size_t>(n, 4096));
  for (std::size_t done = 0; done < n;) {
    std::size_t k = std::min(n - done, idx_.size());
    levels.decode(idx_.data(), k);
    for (std::size_t i = 0; i < k; ++i) {
      if (idx_[i] != 1) fail("null values are not supported by ior's reader (ior writes none)");
    }
    done += k;
  }
  return body.substr(4 + len);
}

void ColumnCursor::start_data_page(const PageHeaderMeta& h, std::string_view body) {
  if (h.num_values < 0) fail("negative page value count");
  if (h.num_values > values_left_) fail("pages hold more values than the column chunk");
  if (optional_) {
    if (h.definition_encoding != kRle) fail("definition level encoding " + encoding_name(h.definition_encoding));
    body = skip_definition_levels(static_cast<std::size_t>(h.num_values), body);
  }
  values_left_ -= h.num_values;
  page_left_ = static_cast<std::size_t>(h.num_values);
  plain_ = body.data();
  plain_end_ = body.data() + body.size();
  if (h.encoding == kPlain) {
    page_dict_ = false;
    const std::size_t w = width_of(physical_);
    if (w != 0 && body.size() / w < page_left_) fail("data page shorter than its values");
  } else if (h.encoding == kRleDictionary || h.encoding == kPlainDictionary) {
    if (!has_dict_) fail("dictionary-encoded page without a dictionary page");
    if (body.empty()) fail("empty dictionary-encoded page");
    page_dict_ = true;
    rle_ = RleDecoder(body.data() + 1, plain_end_, static_cast<std::uint8_t>(body[0]));
  } else {
    fail("encoding " + encoding_name(h.encoding) + " is not supported by ior's reader (it reads PLAIN and "
         "RLE_DICTIONARY, as ior writes them)");
  }
}

std::size_t ColumnCursor::available() {
  while (page_left_ == 0) {
    if (pos_ >= chunk_size_) {
      if (values_left_ != 0) fail("column chunk ends before its values");
      return 0;
    }
    PageHeaderMeta h;
    std::string_view body = next_page(h);
    if (h.type == kDictionaryPage) {
      load_dictionary(h, body);
    } else if (h.type == kDataPage) {
      if (h.definition_encoding != kRle && h.definition_encoding != 4) {
        fail("definition level encoding " + encoding_name(h.definition_encoding));
      }
      start_data_page(h, body);
    }
  }
  return page_left_;
}

void ColumnCursor::take(std::size_t n, ColumnValues& out) {
  if (n > page_left_) fail("internal: batch larger than the page");
  if (n == 0) return;
  page_left_ -= n;
  if (page_dict_) {
    idx_.resize(n);
    rle_.decode(idx_.data(), n);
    std::uint32_t max = 0;
    for (std::size_t i = 0; i < n; ++i) max = std::max(max, idx_[i]);
    const std::size_t size = physical_ == Physical::kInt32   ? dict_i32_.size()
                             : physical_ == Physical::kInt64 ? dict_i64_.size()
                                                             : dict_str_.size();
    if (n != 0 && max >= size) fail("dictionary index out of range");
    switch (physical_) {
      case Physical::kInt32:
        out.i32.resize(n);
        for (std::size_t i = 0; i < n; ++i) out.i32[i] = dict_i32_[idx_[i]];
        return;
      case Physical::kInt64:
        out.i64.resize(n);
        for (std::size_t i = 0; i < n; ++i) out.i64[i] = dict_i64_[idx_[i]];
        return;
      default:
        out.str.resize(n);
        for (std::size_t i = 0; i < n; ++i) out.str[i] = dict_str_[idx_[i]];
        return;
    }
  }
  switch (physical_) {
    case Physical::kInt32:
      out.i32.resize(n);
      std::memcpy(out.i32.data(), plain_, n * 4);
      plain_ += n * 4;
      return;
    case Physical::kInt64:
      out.i64.resize(n);
      std::memcpy(out.i64.data(), plain_, n * 8);
      plain_ += n * 8;
      return;
    case Physical::kFixedLenByteArray16:
      out.str.resize(n);
      for (std::size_t i = 0; i < n; ++i) out.str[i] = std::string_view(plain_ + 16 * i, 16);
      plain_ += n * 16;
      return;
    case Physical::kByteArray:
      out.str.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t len;
        if (plain_end_ - plain_ < 4) fail("data page shorter than its values");
        std::memcpy(&len, plain_, 4);
        plain_ += 4;
        if (len > static_cast<std::size_t>(plain_end_ - plain_)) fail("value runs past its page");
        out.str[i] = std::string_view(plain_, len);
        plain_ += len;
      }
      return;
  }
}

}  // namespace ior::parquet::reader
