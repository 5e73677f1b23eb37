#include "clickhouse/wire/cityhash128.hpp"

#include <cstring>
#include <utility>

namespace ior::clickhouse::wire {
namespace {

using u64 = std::uint64_t;
using u32 = std::uint32_t;
using Pair = std::pair<u64, u64>;

constexpr u64 k0 = 0xc3a5c85c97cb3127ULL;
constexpr u64 k1 = 0xb492b66fbe98f273ULL;
constexpr u64 k2 = 0x9ae16a3b2f90404fULL;
constexpr u64 k3 = 0xc949d7c7509e6557ULL;

u64 fetch64(const unsigned char* p) {
  u64 v;
  std::memcpy(&v, p, 8);  // little-endian hosts (x86_64, aarch64)
  return v;
}

u32 fetch32(const unsigned char* p) {
  u32 v;
  std::memcpy(&v, p, 4);
  return v;
}

u64 rotate(u64 v, int shift) { return shift == 0 ? v : (v >> shift) | (v << (64 - shift)); }
u64 rotate_at_least1(u64 v, int shift) { return (v >> shift) | (v << (64 - shift)); }
u64 shift_mix(u64 v) { return v ^ (v >> 47); }

u64 hash128_to_64(u64 u, u64 v) {
  constexpr u64 kMul = 0x9ddfea08eb382d69ULL;
  u64 a = (u ^ v) * kMul;
  a ^= (a >> 47);
  u64 b = (v ^ a) * kMul;
  b ^= (b >> 47);
  return b * kMul;
}

u64 hash_len16(u64 u, u64 v) { return hash128_to_64(u, v); }

u64 hash_len0to16(const unsigned char* s, std::size_t len) {
  if (len > 8) {
    u64 a = fetch64(s);
    u64 b = fetch64(s + len - 8);
    return hash_len16(a, rotate_at_least1(b + len, static_cast<int>(len))) ^ b;
  }
  if (len >= 4) {
    u64 a = fetch32(s);
    return hash_len16(len + (a << 3), fetch32(s + len - 4));
  }
  if (len > 0) {
    u32 a = s[0], b = s[len >> 1], c = s[len - 1];
    u32 y = a + (b << 8);
    u32 z = static_cast<u32>(len) + (c << 2);
    return shift_mix(y * k2 ^ z * k3) * k2;
  }
  return k2;
}

Pair weak_hash_len32_with_seeds(u64 w, u64 x, u64 y, u64 z, u64 a, u64 b) {
  a += w;
  b = rotate(b + a + z, 21);
  u64 c = a;
  a += x;
  a += y;
  b += rotate(a, 44);
  return {a + z, b + c};
}

Pair weak_hash_len32_with_seeds(const unsigned char* s, u64 a, u64 b) {
  return weak_hash_len32_with_seeds(fetch64(s), fetch64(s + 8), fetch64(s + 16), fetch64(s + 24), a, b);
}

Pair city_murmur(const unsigned char* s, std::size_t len, Pair seed) {
  u64 a = seed.first, b = seed.second, c = 0, d = 0;
  long l = static_cast<long>(len) - 16;
  if (l <= 0) {
    a = shift_mix(a * k1) * k1;
    c = b * k1 + hash_len0to16(s, len);
    d = shift_mix(a + (len >= 8 ? fetch64(s) : c));
  } else {
    c = hash_len16(fetch64(s + len - 8) + k1, a);
    d = hash_len16(b + len, c + fetch64(s + len - 16));
    a += d;
    do {
      a ^= shift_mix(fetch64(s) * k1) * k1;
      a *= k1;
      b ^= a;
      c ^= shift_mix(fetch64(s + 8) * k1) * k1;
      c *= k1;
      d ^= c;
      s += 16;
      l -= 16;
    } while (l > 0);
  }
  a = hash_len16(a, c);
  b = hash_len16(d, b);
  return {a ^ b, hash_len16(b, a)};
}

Pair city_hash128_with_seed(const unsigned char* s, std::size_t len, Pair seed) {
  if (len < 128) return city_murmur(s, len, seed);
  Pair v, w;
  u64 x = seed.first, y = seed.second, z = len * k1;
  v.first = rotate(y ^ k1, 49) * k1 + fetch64(s);
  v.second = rotate(v.first, 42) * k1 + fetch64(s + 8);
  w.first = rotate(y + z, 35) * k1 + x;
  w.second = rotate(x + fetch64(s + 88), 53) * k1;
  do {
    for (int half = 0; half < 2; ++half) {
      x = rotate(x + y + v.first + fetch64(s + 16), 37) * k1;
      y = rotate(y + v.second + fetch64(s + 48), 42) * k1;
      x ^= w.second;
      y ^= v.first;
      z = rotate(z ^ w.first, 33);
      v = weak_hash_len32_with_seeds(s, v.second * k1, x + w.first);
      w = weak_hash_len32_with_seeds(s + 32, z + w.second, y);
      std::swap(z, x);
      s += 64;
    }
    len -= 128;
  } while (len >= 128);
  y += rotate(w.first, 37) * k0 + z;
  x += rotate(v.first + z, 49) * k0;
  for (std::size_t tail_done = 0; tail_done < len;) {
    tail_done += 32;
    y = rotate(y - x, 42) * k0 + v.second;
    w.first += fetch64(s + len - tail_done + 16);
    x = rotate(x, 49) * k0 + w.first;
    w.first += v.first;
    v = weak_hash_len32_with_seeds(s + len - tail_done, v.first, v.second);
  }
  x = hash_len16(x, v.first);
  y = hash_len16(y, w.first);
  return {hash_len16(x + v.second, w.second) + y, hash_len16(x + w.second, y + v.second)};
}

}  // namespace

Hash128 city_hash128(const void* data, std::size_t len) {
  const auto* s = static_cast<const unsigned char*>(data);
  Pair r;
  if (len >= 16) {
    r = city_hash128_with_seed(s + 16, len - 16, {fetch64(s) ^ k3, fetch64(s + 8)});
  } else if (len >= 8) {
    r = city_hash128_with_seed(nullptr, 0, {fetch64(s) ^ (len * k0), fetch64(s + len - 8) ^ k1});
  } else {
    r = city_hash128_with_seed(s, len, {k0, k1});
  }
  return {r.first, r.second};
}

}  // namespace ior::clickhouse::wire
