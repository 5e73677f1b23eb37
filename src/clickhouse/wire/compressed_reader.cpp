#include "clickhouse/wire/compressed_reader.hpp"

#include <algorithm>

namespace ior::clickhouse::wire {

bool CompressedReader::next_chunk() {
  constexpr std::size_t kHead = kChecksumBytes + kFrameHeaderBytes;
  frame_.resize(kHead);
  // Frames are only requested in the middle of a value, so the source must
  // have one: its end here is the "unexpected end" error of source_.
  source_.read(frame_.data(), kHead);
  std::size_t total = frame_size(frame_, limits_);
  frame_.resize(total);
  source_.read(frame_.data() + kHead, total - kHead);
  plain_.clear();
  read_frame(frame_, plain_, limits_);
  auto* p = reinterpret_cast<const std::byte*>(plain_.data());
  set_chunk(p, p + plain_.size());
  return true;
}

void write_frames(std::string_view data, CompressionMethod method, int zstd_level, std::string& out,
                  std::size_t max_frame) {
  for (std::size_t pos = 0; pos < data.size(); pos += max_frame) {
    write_frame(data.substr(pos, std::min(max_frame, data.size() - pos)), method, zstd_level, out);
  }
}

}  // namespace ior::clickhouse::wire
