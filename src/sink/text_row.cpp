#include "sink/text_row.hpp"

#include <array>
#include <type_traits>
#include <utility>

#include "base/utf8.hpp"
#include "base/utf8_escape.hpp"
#include "schema/columns.hpp"

namespace ior::sink {
namespace {

template <class F>
constexpr void for_each_string(F&& f) {
  schema::for_each_column([&](const auto& c) {
    if constexpr (std::is_same_v<std::decay_t<decltype(c)>, schema::Column<std::string_view>>) f(c.member);
  });
}

constexpr std::size_t kStringColumns = [] {
  std::size_t n = 0;
  for_each_string([&](auto) { ++n; });
  return n;
}();

}  // namespace

bool all_strings_valid_utf8(const schema::EventRow& row) noexcept {
  // Every row pays this: all strings' bytes OR-ed together first (inline),
  // the full validation only for a row with a non-ASCII byte somewhere.
  std::uint64_t any = 0;
  for_each_string([&](auto member) { any |= ascii_bits(row.*member); });
  if ((any & kNonAsciiBits) == 0) return true;
  bool ok = true;
  for_each_string([&](auto member) { ok = ok && valid_utf8(row.*member); });
  return ok;
}

const schema::EventRow& TextRow::apply(const schema::EventRow& row) {
  if (all_strings_valid_utf8(row)) return row;
  escaped_ = row;
  escaped_.notice = static_cast<std::uint8_t>(escaped_.notice | schema::kNoticeEscaped);
  bytes_.clear();
  // Views are set once every string is in bytes_, which may move while it grows.
  std::array<std::pair<std::size_t, std::size_t>, kStringColumns> spans{};
  std::size_t k = 0;
  for_each_string([&](auto member) {
    const std::size_t begin = bytes_.size();
    append_utf8_escaped(bytes_, row.*member);
    spans[k++] = {begin, bytes_.size() - begin};
  });
  k = 0;
  for_each_string([&](auto member) {
    escaped_.*member = std::string_view(bytes_).substr(spans[k].first, spans[k].second);
    ++k;
  });
  return escaped_;
}

}  // namespace ior::sink
