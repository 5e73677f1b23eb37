#pragma once
// The userspace row filters: -comm (substring of the thread name) and -path
// (substring of any of the row's file names).

#include <string>

#include "schema/event_row.hpp"

namespace ior::event {

class RowFilter {
 public:
  RowFilter(std::string comm, std::string path) : comm_(std::move(comm)), path_(std::move(path)) {}
  bool active() const { return !comm_.empty() || !path_.empty(); }
  bool keeps(const schema::EventRow& row) const;

 private:
  std::string comm_;
  std::string path_;
};

}  // namespace ior::event
