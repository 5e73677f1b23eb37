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
constexpr void for_each_string_column(F&& f) {
  schema::for_each_column([&](const auto& c) IOR_EVERY_ROW {
    if constexpr (std::is_same_v<std::decay_t<decltype(c)>, schema::Column<std::string_view>>) f(c);
  });
}

template <class F>
constexpr void for_each_string(F&& f) {
  for_each_string_column([&](const auto& c) { f(c.member); });
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

std::string_view TextRowReverse::apply(std::span<schema::EventRow> rows) {
  std::size_t total = 0;
  for (const auto& r : rows) {
    if ((r.notice & schema::kNoticeEscaped) == 0) continue;
    for_each_string([&](auto member) { total += (r.*member).size(); });
  }
  if (total == 0) {
    for (auto& r : rows) r.notice = static_cast<std::uint8_t>(r.notice & ~schema::kNoticeEscaped);
    return {};
  }
  bytes_.clear();
  // Unescaping never lengthens a value: with this much room bytes_ does not
  // move, so the views set below stay valid.
  bytes_.reserve(total);
  std::string_view bad;
  for (auto& r : rows) {
    if ((r.notice & schema::kNoticeEscaped) == 0) continue;
    r.notice = static_cast<std::uint8_t>(r.notice & ~schema::kNoticeEscaped);
    for_each_string_column([&](const auto& c) {
      const std::size_t begin = bytes_.size();
      if (!utf8_unescape(r.*c.member, bytes_) && bad.empty()) bad = c.name;
      r.*c.member = std::string_view(bytes_).substr(begin);
    });
  }
  return bad;
}

}  // namespace ior::sink
