#pragma once
// A ByteReader over the compressed frames that another reader delivers: the
// server sends a compressed block as one or more frames, and a value may
// straddle two frames. Frames are read only when a value needs them, so the
// reader never consumes bytes that belong to the next packet.

#include <string>
#include <vector>

#include "clickhouse/wire/compressed_frame.hpp"
#include "clickhouse/wire/wire_format.hpp"

namespace ior::clickhouse::wire {

class CompressedReader final : public ByteReader {
 public:
  CompressedReader(ByteReader& source, const FrameLimits& limits, std::size_t max_string)
      : ByteReader(max_string), source_(source), limits_(limits) {}

  /// True when the last frame read has been consumed entirely: a block
  /// ending mid-frame means the peer and we disagree about its layout.
  bool frame_consumed() const { return buffered() == 0; }

 protected:
  bool next_chunk() override;

 private:
  ByteReader& source_;
  FrameLimits limits_;
  std::vector<std::byte> frame_;
  std::string plain_;
};

/// Appends data as frames of at most max_frame uncompressed bytes each
/// (ClickHouse itself cuts at 1 MiB, max_compress_block_size).
void write_frames(std::string_view data, CompressionMethod method, int zstd_level, std::string& out,
                  std::size_t max_frame = 1u << 20);

}  // namespace ior::clickhouse::wire
