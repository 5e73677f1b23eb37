#pragma once
// Flame graph colours: a syscall frame is coloured by its class (open, path,
// name, fd, fcntl/dup3, none), so the kind of I/O is visible at a glance;
// other frames get flamegraph.pl's warm colours.

#include <string>
#include <string_view>

#include "flamegraph/stack_aggregator.hpp"

namespace ior::cli {

std::string syscall_class_color(std::string_view frame, std::size_t depth);
/// "calls", "ns" or "bytes".
std::string value_unit(flamegraph::ValueKind v);

}  // namespace ior::cli
