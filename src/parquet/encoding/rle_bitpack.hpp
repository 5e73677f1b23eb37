#pragma once
// The RLE / bit-packing hybrid of the Parquet spec (Encodings.md), used here
// for dictionary indices. Runs of 8 or more equal values become RLE runs;
// everything else is bit-packed in groups of 8, LSB first.

#include <cstdint>
#include <span>
#include <string>

namespace ior::parquet::encoding {

/// Bits needed for values 0..max_value (at least 1).
int bit_width_for(std::uint32_t max_value);

/// Appends the hybrid encoding of values (no length prefix) to out.
void rle_bitpack_encode(std::span<const std::uint32_t> values, int bit_width, std::string& out);

}  // namespace ior::parquet::encoding
