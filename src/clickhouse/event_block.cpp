#include "clickhouse/event_block.hpp"

#include <type_traits>

#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/columns/low_cardinality_column.hpp"
#include "clickhouse/columns/string_column.hpp"

namespace ior::clickhouse {

EventBlock::EventBlock() {
  std::size_t i = 0;
  schema::for_each_column([&](const auto& c) {
    columns_[i++] = &block_.add(std::string(c.name), columns::make_column(schema::clickhouse_type_name(c.type)));
  });
  // Check once here that every column is the class append() casts it to.
  i = 0;
  schema::for_each_column([&](const auto& c) {
    using T = std::remove_cvref_t<decltype(std::declval<schema::EventRow>().*(c.member))>;
    columns::Column& col = *columns_[i++];
    if constexpr (std::is_same_v<T, std::string_view>) {
      if (c.type == schema::ColumnType::kLowCardinalityString) {
        columns::column_as<columns::LowCardinalityColumn>(col);
      } else {
        columns::column_as<columns::StringColumn>(col);
      }
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      columns::column_as<columns::UuidColumn>(col);
    } else {
      columns::column_as<columns::FixedColumn<T>>(col);
    }
  });
}

void EventBlock::reserve(std::size_t rows) {
  for (auto* c : columns_) c->reserve(rows);
}

void EventBlock::append(const schema::EventRow& row, const schema::RowRepeats& repeats) {
  const std::uint64_t reuse = repeats_.follows(repeats) ? repeats.columns : 0;
  repeats_.appended(repeats);
  std::size_t i = 0;
  schema::for_each_column([&](const auto& c) IOR_EVERY_ROW {
    const bool repeated = (reuse >> i) & 1u;
    using T = std::remove_cvref_t<decltype(row.*(c.member))>;
    columns::Column* col = columns_[i++];
    const T& v = row.*(c.member);
    // The constructor verified each column's class, so static casts are safe.
    if constexpr (std::is_same_v<T, std::string_view>) {
      if (c.type == schema::ColumnType::kLowCardinalityString) {
        auto* lc = static_cast<columns::LowCardinalityColumn*>(col);
        if (!repeated || !lc->append_last_again()) lc->append(v);
        bytes_ += sizeof(std::uint32_t);
      } else {
        static_cast<columns::StringColumn*>(col)->append(v);
        bytes_ += v.size() + sizeof(std::uint64_t);
      }
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      bytes_ += 16;
      std::uint8_t bytes[16];
      for (std::size_t b = 0; b < 16; ++b) bytes[b] = v[b];
      static_cast<columns::UuidColumn*>(col)->append(columns::Uuid::from_bytes(bytes));
    } else {
      bytes_ += sizeof(T);
      static_cast<columns::FixedColumn<T>*>(col)->append(v);
    }
  });
}

}  // namespace ior::clickhouse
