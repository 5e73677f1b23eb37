#include "event/proc_name_check.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "event/pipeline.hpp"

namespace ior::event {
namespace {

using View = std::string_view schema::EventRow::*;
constexpr std::array<View, 13> kViews = {
    &schema::EventRow::comm,         &schema::EventRow::cgroup,       &schema::EventRow::container_id,
    &schema::EventRow::syscall_name, &schema::EventRow::byte_class,   &schema::EventRow::filename,
    &schema::EventRow::filename2,    &schema::EventRow::pathname,     &schema::EventRow::oldname,
    &schema::EventRow::newname,      &schema::EventRow::passed_name,  &schema::EventRow::passed_newname,
    &schema::EventRow::hostname};
constexpr std::size_t kFilename = 5;
constexpr std::size_t kFilename2 = 6;
static_assert(kViews[kFilename] == &schema::EventRow::filename && kViews[kFilename2] == &schema::EventRow::filename2);

}  // namespace

void ProcNameCheck::pass(const schema::EventRow& row) {
  if (held_.empty() && watches_.empty()) {
    consumer_.on_row(row);
    return;
  }
  hold(row);
  if (held_.size() > kMaxRows || arena_.size() > kMaxBytes) {
    watches_.clear();
    release();
  }
}

void ProcNameCheck::hold(const schema::EventRow& row) {
  HeldRow& h = held_.emplace_back();
  h.row = row;
  for (std::size_t i = 0; i < kStrings; ++i) {
    const std::string_view s = row.*kViews[i];
    h.spans[i] = {static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(s.size())};
    arena_.append(s);
  }
  if ((row.notice & schema::kNoticeFdFromProc) == 0) return;
  const std::uint64_t seq = first_seq_ + held_.size() - 1;
  if (row.fd >= 0) held_by_fd_.emplace(key(row.pid, row.fd), seq);
  if (row.fd2 >= 0 && row.fd2 != row.fd) held_by_fd_.emplace(key(row.pid, row.fd2), seq);
}

void ProcNameCheck::watch(std::uint32_t pid, std::int32_t fd, const FdEntry& e) {
  if (!e.from_proc || e.proc_read_ns <= handled_to_) return;
  if (watches_.size() >= kMaxWatches && !watches_.contains(key(pid, fd))) return;  // that fd's rows go unchecked
  watches_.insert_or_assign(key(pid, fd), e.proc_read_ns);
}

// The entry /proc gave is gone (closed, or its number given to another
// file): when that happened before the read, /proc already showed what
// came after. True when the watch is over.
bool ProcNameCheck::check_one(std::uint32_t pid, std::int32_t fd, std::uint64_t enter_ns, FdTable& fds) {
  const auto it = watches_.find(key(pid, fd));
  if (it == watches_.end()) return false;
  const FdEntry* e = fds.find(pid, fd);
  if (e != nullptr && e->from_proc && e->proc_read_ns == it->second) return false;
  if (enter_ns < it->second) drop_name(pid, fd);
  watches_.erase(it);
  return true;
}

void ProcNameCheck::after_effects(std::uint32_t pid, std::uint64_t enter_ns, std::span<const std::int32_t> touched,
                                  bool every_fd, FdTable& fds) {
  if (every_fd) {
    std::vector<std::int32_t> of_pid;
    for (const auto& [k, read_ns] : watches_) {
      if (static_cast<std::uint32_t>(k >> 32) == pid) of_pid.push_back(static_cast<std::int32_t>(k & 0xffffffffu));
    }
    for (std::int32_t fd : of_pid) check_one(pid, fd, enter_ns, fds);
  } else {
    for (std::int32_t fd : touched) {
      if (fd >= 0) check_one(pid, fd, enter_ns, fds);
    }
  }
  if (watches_.empty()) release();
}

void ProcNameCheck::drop_name(std::uint32_t pid, std::int32_t fd) {
  const auto [from, to] = held_by_fd_.equal_range(key(pid, fd));
  for (auto it = from; it != to; ++it) {
    HeldRow& h = held_[it->second - first_seq_];
    schema::EventRow& r = h.row;
    bool dropped = false;
    for (const std::size_t i : {kFilename, kFilename2}) {
      if ((i == kFilename ? r.fd : r.fd2) == fd && h.spans[i].second != 0) {
        h.spans[i].second = 0;
        dropped = true;
      }
    }
    if (!dropped) continue;
    r.notice |= schema::kNoticeFdUnknown;
    if (h.spans[kFilename].second == 0 && h.spans[kFilename2].second == 0) {
      r.notice &= static_cast<std::uint8_t>(~schema::kNoticeFdFromProc);
    }
    stale_.add();
  }
}

void ProcNameCheck::handled_up_to(std::uint64_t t) {
  handled_to_ = std::max(handled_to_, t);
  std::erase_if(watches_, [&](const auto& w) { return w.second <= handled_to_; });
  if (watches_.empty()) release();
}

void ProcNameCheck::release() {
  for (HeldRow& h : held_) {
    for (std::size_t i = 0; i < kStrings; ++i) {
      h.row.*kViews[i] = std::string_view(arena_.data() + h.spans[i].first, h.spans[i].second);
    }
    consumer_.on_row(h.row);
  }
  first_seq_ += held_.size();
  held_.clear();
  held_by_fd_.clear();
  arena_.clear();
}

}  // namespace ior::event
