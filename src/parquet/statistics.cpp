#include "parquet/statistics.hpp"

#include <algorithm>

#include "parquet/encoding/plain.hpp"

namespace ior::parquet {
namespace {

template <class Compare, class Value>
void min_max(const Value* v, std::size_t n, Compare less, thrift::Statistics& s) {
  if (n == 0) return;
  Value lo = v[0], hi = v[0];
  for (std::size_t i = 1; i < n; ++i) {
    if (less(v[i], lo)) lo = v[i];
    if (less(hi, v[i])) hi = v[i];
  }
  s.has_min_max = true;
  encoding::plain_fixed(s.min_value, lo);
  encoding::plain_fixed(s.max_value, hi);
}

}  // namespace

thrift::Statistics dictionary_statistics(const encoding::Dictionary& dict) {
  thrift::Statistics s;
  if (dict.size() == 0) return s;
  s.has_min_max = true;
  s.min_value.assign(dict.min());
  s.max_value.assign(dict.max());
  return s;
}

thrift::Statistics column_statistics(const ColumnData& data, Physical physical, bool is_signed,
                                     std::size_t n) {
  thrift::Statistics s;
  s.null_count = 0;
  if (n == 0) return s;
  switch (physical) {
    case Physical::kInt32:
      if (is_signed) {
        min_max(data.i32().data(), n, std::less<std::int32_t>(), s);
      } else {
        min_max(data.i32().data(), n, [](std::int32_t a, std::int32_t b) {
          return static_cast<std::uint32_t>(a) < static_cast<std::uint32_t>(b);
        }, s);
      }
      break;
    case Physical::kInt64:
      if (is_signed) {
        min_max(data.i64().data(), n, std::less<std::int64_t>(), s);
      } else {
        min_max(data.i64().data(), n, [](std::int64_t a, std::int64_t b) {
          return static_cast<std::uint64_t>(a) < static_cast<std::uint64_t>(b);
        }, s);
      }
      break;
    case Physical::kByteArray: {
      std::string_view lo = data.string_at(0), hi = lo;
      for (std::size_t i = 1; i < n; ++i) {
        std::string_view v = data.string_at(i);
        if (v < lo) lo = v;  // string_view compares bytes as unsigned char
        if (hi < v) hi = v;
      }
      s.has_min_max = true;
      s.min_value.assign(lo);
      s.max_value.assign(hi);
      break;
    }
    case Physical::kFixedLenByteArray16: {
      std::string_view all(data.bytes());
      std::string_view lo = all.substr(0, 16), hi = lo;
      for (std::size_t i = 1; i < n; ++i) {
        std::string_view v = all.substr(i * 16, 16);
        if (v < lo) lo = v;
        if (hi < v) hi = v;
      }
      s.has_min_max = true;
      s.min_value.assign(lo);
      s.max_value.assign(hi);
      break;
    }
  }
  return s;
}

}  // namespace ior::parquet
