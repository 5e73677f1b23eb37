#include "event/row_filter.hpp"

namespace ior::event {

FilterVerdict RowFilter::judge(const schema::EventRow& row) const {
  if (o_.errors_only && row.ret_type != static_cast<std::uint8_t>(schema::RetType::kError)) {
    return FilterVerdict::kSucceeded;
  }
  if (row.duration_ns < o_.min_duration_ns) return FilterVerdict::kTooFast;
  return matches_names(row) ? FilterVerdict::kKeep : FilterVerdict::kNoMatch;
}

bool RowFilter::matches_names(const schema::EventRow& row) const {
  if (!o_.comm.empty() && row.comm.find(o_.comm) == std::string_view::npos) return false;
  if (!o_.container.empty() && !row.container_id.starts_with(o_.container)) return false;
  if (o_.path.empty()) return true;
  for (std::string_view name : {row.filename, row.filename2, row.pathname, row.oldname, row.newname}) {
    if (name.find(o_.path) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace ior::event
