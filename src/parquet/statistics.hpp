#pragma once
// Column-chunk min/max in each column's sort order, encoded as Parquet's
// min_value/max_value (PLAIN bytes of the physical type, without the length
// prefix for byte arrays). Unsigned integer columns compare unsigned.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/column_data.hpp"
#include "parquet/encoding/dictionary.hpp"
#include "parquet/thrift/parquet_types.hpp"

namespace ior::parquet {

/// Statistics over the first n values of data.
thrift::Statistics column_statistics(const ColumnData& data, Physical physical, bool is_signed,
                                     std::size_t n);

/// Byte-array statistics of a dictionary-encoded column chunk: the min/max
/// of its distinct values, which the dictionary tracks as they arrive.
thrift::Statistics dictionary_statistics(const encoding::Dictionary& dict);

}  // namespace ior::parquet
