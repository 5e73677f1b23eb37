#include "parquet/page_writer.hpp"

#include <limits>

#include "base/error.hpp"
#include "parquet/thrift/compact_writer.hpp"

namespace ior::parquet {

std::int32_t checked_i32(std::size_t v, const char* what) {
  if (v > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw FormatError(std::string("parquet: ") + what + " exceeds 2 GiB");
  }
  return static_cast<std::int32_t>(v);
}

void PageWriter::write(thrift::PageType type, thrift::Encoding encoding, std::size_t num_values,
                       std::string_view body, Compressor& compressor, std::string& out) {
  compressor.compress(body, compressed_);
  thrift::PageHeader h;
  h.type = type;
  h.uncompressed_page_size = checked_i32(body.size(), "page");
  h.compressed_page_size = checked_i32(compressed_.size(), "compressed page");
  h.num_values = checked_i32(num_values, "page values");
  h.encoding = encoding;
  std::size_t before = out.size();
  thrift::CompactWriter w(out);
  thrift::write(w, h);
  auto header_bytes = static_cast<std::int64_t>(out.size() - before);
  out.append(compressed_);
  uncompressed_total_ += header_bytes + static_cast<std::int64_t>(body.size());
  compressed_total_ += header_bytes + static_cast<std::int64_t>(compressed_.size());
}

}  // namespace ior::parquet
