#pragma once
// Seeds for the dictionaries' hash tables. Values come from traced programs
// (paths, byte counts), so a fixed hash would let them pick colliding values
// and slow the tracer down; a random per-process seed rules that out.

#include <cstdint>

namespace ior::parquet::encoding {

/// A different random 64-bit value on each call (one OS random read per process).
std::uint64_t hash_seed();

}  // namespace ior::parquet::encoding
