#pragma once
// One CSV field per RFC 4180: quoted only when it holds a comma, a double
// quote or a line break, a double quote doubled. For text that is already
// escaped for a terminal, the console sink quotes its own way (no line
// breaks can remain there).

#include <string>
#include <string_view>

namespace ior {

void append_csv_field(std::string& out, std::string_view v);

}  // namespace ior
