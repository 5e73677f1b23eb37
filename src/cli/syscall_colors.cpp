#include "cli/syscall_colors.hpp"

#include "event/syscall_table.hpp"
#include "flamegraph/svg_renderer.hpp"

namespace ior::cli {

std::string syscall_class_color(std::string_view frame, std::size_t /*depth*/) {
  auto id = event::syscall_id(frame);
  if (!id) return flamegraph::warm_color(frame);
  switch (event::syscall_info(*id).cls) {
    case IOR_CLASS_OPEN: return "rgb(80,180,90)";    // green: opens
    case IOR_CLASS_PATH: return "rgb(90,140,220)";   // blue: path operations
    case IOR_CLASS_NAME: return "rgb(160,110,210)";  // purple: renames, links
    case IOR_CLASS_FD:
    case IOR_CLASS_FD2: return "rgb(240,150,60)";    // orange: reads, writes, fd calls, copies
    case IOR_CLASS_FCNTL:
    case IOR_CLASS_DUP3:
    case IOR_CLASS_PIPE:
    case IOR_CLASS_SOCKET: return "rgb(230,200,70)";  // yellow: fd bookkeeping
    default: return "rgb(160,160,160)";              // grey: aio, sync, syslog
  }
}

std::string value_unit(flamegraph::ValueKind v) {
  switch (v) {
    case flamegraph::ValueKind::kCount: return "calls";
    case flamegraph::ValueKind::kDuration:
    case flamegraph::ValueKind::kDurationToPrev: return "ns";
    case flamegraph::ValueKind::kBytes: return "bytes";
  }
  return "";
}

}  // namespace ior::cli
