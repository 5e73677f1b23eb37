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
constexpr std::size_t kPassedName = 10;
constexpr std::size_t kPassedNewname = 11;
static_assert(kViews[kPassedName] == &schema::EventRow::passed_name &&
              kViews[kPassedNewname] == &schema::EventRow::passed_newname);

constexpr std::size_t view_of(NameUse::Column c) {
  switch (c) {
    case NameUse::Column::kFilename:
      return 5;
    case NameUse::Column::kFilename2:
      return 6;
    case NameUse::Column::kPathname:
      return 7;
    case NameUse::Column::kOldname:
      return 8;
    case NameUse::Column::kNewname:
      return 9;
  }
  return 5;
}
static_assert(kViews[view_of(NameUse::Column::kFilename)] == &schema::EventRow::filename &&
              kViews[view_of(NameUse::Column::kFilename2)] == &schema::EventRow::filename2 &&
              kViews[view_of(NameUse::Column::kPathname)] == &schema::EventRow::pathname &&
              kViews[view_of(NameUse::Column::kOldname)] == &schema::EventRow::oldname &&
              kViews[view_of(NameUse::Column::kNewname)] == &schema::EventRow::newname);

}  // namespace

void ProcNameCheck::pass_checked(const schema::EventRow& row, std::span<const NameUse> uses) {
  for (const NameUse& u : uses) watch(u.source);
  if (held_.empty() && watches_.empty()) {
    consumer_.on_row(row);
    return;
  }
  hold(row, uses);  // indexes the uses whose read is watched
  if (held_.size() > kMaxRows || arena_.size() > kMaxBytes) {
    watches_.clear();
    release();
  }
}

// Rows made from a read the reader may not have got past are checked.
void ProcNameCheck::watch(const NameSource& s) {
  if (s.read_ns <= handled_to_ || watches_.contains(key(s.pid, s.fd))) return;
  if (watches_.size() >= kMaxWatches) return;  // that read's rows go unchecked
  watches_.emplace(key(s.pid, s.fd), s.read_ns);
}

void ProcNameCheck::hold(const schema::EventRow& row, std::span<const NameUse> uses) {
  HeldRow& h = held_.emplace_back();
  h.row = row;
  for (std::size_t i = 0; i < kStrings; ++i) {
    const std::string_view s = row.*kViews[i];
    h.spans[i] = {static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(s.size())};
    arena_.append(s);
  }
  const std::uint64_t seq = first_seq_ + held_.size() - 1;
  for (const NameUse& u : uses.first(std::min(uses.size(), kMaxUses))) {
    const auto w = watches_.find(key(u.source.pid, u.source.fd));
    if (w == watches_.end() || w->second != u.source.read_ns) continue;
    h.uses[h.use_count] = u;
    held_by_read_.emplace(w->first, std::pair{seq, h.use_count});
    ++h.use_count;
  }
}

// Whether the table still holds what that read gave (not a name made from
// it, not a newer one).
bool ProcNameCheck::still_read(const NameSource& read, const FdTable& fds) const {
  if (read.fd == NameSource::kCwd) {
    const NameSource now = fds.cwd_source(read.pid);
    return !now.derived && now.same_read(read);
  }
  const FdEntry* e = fds.find(read.pid, read.fd);
  return e != nullptr && e->from_proc && !e->source.derived && e->source.same_read(read);
}

void ProcNameCheck::after_close_range(std::uint32_t pid, std::uint64_t enter_ns, FdTable& fds) {
  std::vector<NameSource> of_pid;
  for (const auto& [k, read_ns] : watches_) {
    const auto fd = static_cast<std::int32_t>(k & 0xffffffffu);
    if (static_cast<std::uint32_t>(k >> 32) == pid && fd >= 0) of_pid.push_back(NameSource{pid, fd, read_ns, false});
  }
  after_change(enter_ns, of_pid, fds);
}

void ProcNameCheck::after_change(std::uint64_t enter_ns, std::span<const NameSource> before, FdTable& fds) {
  for (const NameSource& read : before) {
    if (still_read(read, fds)) continue;
    // Replaced: its rows need no more checking either way.
    const auto it = watches_.find(key(read.pid, read.fd));
    const bool watched = it != watches_.end() && it->second == read.read_ns;
    if (watched) watches_.erase(it);
    if (enter_ns >= read.read_ns) continue;
    if (watched) drop_names(read);
    fds.forget_from(read);
  }
  if (watches_.empty()) release();
}

void ProcNameCheck::drop_names(const NameSource& read) {
  const auto [from, to] = held_by_read_.equal_range(key(read.pid, read.fd));
  for (auto it = from; it != to; ++it) {
    HeldRow& h = held_[it->second.first - first_seq_];
    if (h.uses[it->second.second].source.same_read(read)) drop_use(h, it->second.second);
  }
}

void ProcNameCheck::drop_use(HeldRow& h, std::size_t use) {
  const auto bit = static_cast<std::uint8_t>(1u << use);
  if (h.dropped & bit) return;
  if (h.dropped == 0) stale_.add();
  h.dropped |= bit;
  const NameUse& u = h.uses[use];
  schema::EventRow& r = h.row;
  auto& span = h.spans[view_of(u.column)];
  switch (u.undo) {
    case NameUse::Undo::kFd:
      span.second = 0;
      r.notice |= schema::kNoticeFdUnknown;
      break;
    case NameUse::Undo::kPassed:
      span = h.spans[kPassedName];
      r.notice |= schema::kNoticePathUnresolved;
      break;
    case NameUse::Undo::kPassedNew:
      span = h.spans[kPassedNewname];
      r.notice |= schema::kNoticePathUnresolved;
      break;
  }
  // The notice that a name came through /proc goes with the last such name.
  bool fd_left = false, cwd_left = false, fd_any = false, cwd_any = false;
  for (std::size_t i = 0; i < h.use_count; ++i) {
    const bool is_cwd = h.uses[i].source.fd == NameSource::kCwd;
    const bool left = (h.dropped & (1u << i)) == 0;
    (is_cwd ? cwd_any : fd_any) = true;
    if (left) (is_cwd ? cwd_left : fd_left) = true;
  }
  if (fd_any && !fd_left) r.notice &= static_cast<std::uint8_t>(~schema::kNoticeFdFromProc);
  if (cwd_any && !cwd_left) r.notice &= static_cast<std::uint8_t>(~schema::kNoticeCwdFromProc);
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
  held_by_read_.clear();
  arena_.clear();
}

}  // namespace ior::event
