#pragma once
// The RLE / bit-packing hybrid (Encodings.md) read side, for dictionary
// indices: decodes runs as they come, never more values than asked for, and
// throws FormatError when the bytes end before the values do.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "base/error.hpp"

namespace ior::parquet::reader {

class RleDecoder {
 public:
  RleDecoder() = default;
  RleDecoder(const char* p, const char* end, int bit_width) : p_(p), end_(end), width_(bit_width) {
    if (bit_width < 0 || bit_width > 32) throw FormatError("dictionary index bit width above 32");
    mask_ = bit_width == 32 ? 0xffffffffu : (1u << bit_width) - 1;
  }

  /// Writes n indices to out.
  void decode(std::uint32_t* out, std::size_t n) {
    while (n > 0) {
      if (left_ == 0) next_run();
      std::size_t k = left_ < n ? left_ : n;
      if (rle_) {
        for (std::size_t i = 0; i < k; ++i) out[i] = value_;
      } else {
        unpack(out, k);
      }
      out += k;
      n -= k;
      left_ -= k;
    }
  }

 private:
  void next_run() {
    std::uint64_t h = 0;
    for (int shift = 0;; shift += 7) {
      if (p_ == end_ || shift > 35) throw FormatError("dictionary indices end early");
      auto b = static_cast<std::uint8_t>(*p_++);
      h |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    if (h & 1) {
      std::uint64_t groups = h >> 1;
      std::uint64_t bytes = groups * static_cast<std::uint64_t>(width_);
      if (groups == 0 || bytes > static_cast<std::uint64_t>(end_ - p_)) {
        // A last bit-packed run may be cut short by writers that do not pad:
        // take the values that are there.
        if (groups == 0) throw FormatError("empty bit-packed run");
        bytes = static_cast<std::uint64_t>(end_ - p_);
        if (width_ == 0) throw FormatError("dictionary indices end early");
        left_ = static_cast<std::size_t>(bytes * 8 / static_cast<std::uint64_t>(width_));
        if (left_ == 0) throw FormatError("dictionary indices end early");
      } else {
        left_ = static_cast<std::size_t>(groups * 8);
      }
      rle_ = false;
      packed_ = p_;
      packed_end_ = p_ + bytes;
      bit_ = 0;
      p_ += bytes;
    } else {
      left_ = static_cast<std::size_t>(h >> 1);
      if (left_ == 0) throw FormatError("empty RLE run");
      int nbytes = (width_ + 7) / 8;
      if (end_ - p_ < nbytes) throw FormatError("dictionary indices end early");
      std::uint32_t v = 0;
      for (int b = 0; b < nbytes; ++b) v |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(p_[b])) << (8 * b);
      p_ += nbytes;
      rle_ = true;
      value_ = v & mask_;
    }
  }

  void unpack(std::uint32_t* out, std::size_t k) {
    const std::size_t avail = static_cast<std::size_t>(packed_end_ - packed_);
    for (std::size_t i = 0; i < k; ++i) {
      std::size_t byte = bit_ >> 3;
      std::uint64_t w = 0;
      if (byte + 8 <= avail) {
        std::memcpy(&w, packed_ + byte, 8);
      } else {
        for (std::size_t b = 0; byte + b < avail && b < 8; ++b) {
          w |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(packed_[byte + b])) << (8 * b);
        }
      }
      out[i] = static_cast<std::uint32_t>(w >> (bit_ & 7)) & mask_;
      bit_ += static_cast<std::size_t>(width_);
    }
  }

  const char* p_ = nullptr;
  const char* end_ = nullptr;
  int width_ = 0;
  std::uint32_t mask_ = 0;
  std::size_t left_ = 0;
  bool rle_ = false;
  std::uint32_t value_ = 0;
  const char* packed_ = nullptr;
  const char* packed_end_ = nullptr;
  std::size_t bit_ = 0;
};

}  // namespace ior::parquet::reader
