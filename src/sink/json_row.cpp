#include "sink/json_row.hpp"

#include <charconv>
#include <type_traits>

#include "base/uuid_text.hpp"
#include "schema/columns.hpp"
#include "sink/json_text.hpp"

namespace ior::sink {

void append_json_row(std::string& out, const schema::EventRow& row) {
  char sep = '{';
  schema::for_each_column([&](const auto& c) {
    out.push_back(sep);
    sep = ',';
    out.push_back('"');
    out.append(c.name);  // names are [a-z0-9_]: nothing to escape
    out.append("\":", 2);
    const auto& v = row.*c.member;
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string_view>) {
      append_json_string(out, v);
    } else if constexpr (std::is_same_v<T, schema::Uuid>) {
      out.push_back('"');
      out.append(uuid_text(v));
      out.push_back('"');
    } else {
      char tmp[24];
      auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, +v);
      (void)ec;  // 24 bytes hold every 64-bit integer
      out.append(tmp, static_cast<std::size_t>(end - tmp));
    }
  });
  out.append("}\n", 2);
}

}  // namespace ior::sink
