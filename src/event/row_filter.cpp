#include "event/row_filter.hpp"

namespace ior::event {

bool RowFilter::keeps(const schema::EventRow& row) const {
  if (!comm_.empty() && row.comm.find(comm_) == std::string_view::npos) return false;
  if (path_.empty()) return true;
  for (std::string_view name : {row.filename, row.pathname, row.oldname, row.newname}) {
    if (name.find(path_) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace ior::event
