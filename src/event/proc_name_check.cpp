#include "event/proc_name_check.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "event/pipeline.hpp"

namespace ior::event {
namespace {

using View = std::string_view schema::EventRow::*;
constexpr std::array<View, 13> kStrings = {
    &schema::EventRow::comm,         &schema::EventRow::cgroup,       &schema::EventRow::container_id,
    &schema::EventRow::syscall_name, &schema::EventRow::byte_class,   &schema::EventRow::filename,
    &schema::EventRow::filename2,    &schema::EventRow::pathname,     &schema::EventRow::oldname,
    &schema::EventRow::newname,      &schema::EventRow::passed_name,  &schema::EventRow::passed_newname,
    &schema::EventRow::hostname};

}  // namespace

void ProcNameCheck::pass(const schema::EventRow& row) {
  if (held_.empty() && watches_.empty()) {
    consumer_.on_row(row);
    return;
  }
  hold(row);
  if (held_.size() > kMaxRows || held_bytes_ > kMaxBytes) {
    watches_.clear();
    release();
  }
}

void ProcNameCheck::hold(const schema::EventRow& row) {
  HeldRow h;
  h.row = row;
  for (View v : kStrings) h.bytes += (row.*v).size();
  h.text = std::make_unique<char[]>(h.bytes == 0 ? 1 : h.bytes);
  char* at = h.text.get();
  for (View v : kStrings) {
    const std::string_view s = row.*v;
    if (!s.empty()) std::memcpy(at, s.data(), s.size());
    h.row.*v = std::string_view(at, s.size());
    at += s.size();
  }
  held_bytes_ += h.bytes + sizeof(HeldRow);
  held_.push_back(std::move(h));
}

void ProcNameCheck::watch(std::uint32_t pid, std::int32_t fd, const FdEntry& e) {
  if (!e.from_proc || e.proc_read_ns <= handled_to_) return;
  for (const Watch& w : watches_) {
    if (w.pid == pid && w.fd == fd && w.read_ns == e.proc_read_ns) return;
  }
  if (watches_.size() >= kMaxWatches) return;  // that fd's rows go unchecked
  watches_.push_back({pid, fd, e.proc_read_ns});
}

void ProcNameCheck::after_effects(std::uint32_t pid, std::uint64_t enter_ns, FdTable& fds) {
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (it->pid != pid) {
      ++it;
      continue;
    }
    const FdEntry* e = fds.find(pid, it->fd);
    if (e != nullptr && e->from_proc && e->proc_read_ns == it->read_ns) {
      ++it;
      continue;
    }
    // The entry /proc gave is gone: closed, or its number given to another
    // file. Before the read, /proc already showed what came after.
    if (enter_ns < it->read_ns) drop_name(*it);
    it = watches_.erase(it);
  }
  if (watches_.empty()) release();
}

void ProcNameCheck::drop_name(const Watch& w) {
  for (HeldRow& h : held_) {
    schema::EventRow& r = h.row;
    if (r.pid != w.pid || (r.notice & schema::kNoticeFdFromProc) == 0) continue;
    bool dropped = false;
    if (r.fd == w.fd && !r.filename.empty()) {
      r.filename = {};
      dropped = true;
    }
    if (r.fd2 == w.fd && !r.filename2.empty()) {
      r.filename2 = {};
      dropped = true;
    }
    if (!dropped) continue;
    r.notice |= schema::kNoticeFdUnknown;
    if (r.filename.empty() && r.filename2.empty()) r.notice &= static_cast<std::uint8_t>(~schema::kNoticeFdFromProc);
    stale_.add();
  }
}

void ProcNameCheck::handled_up_to(std::uint64_t t) {
  handled_to_ = std::max(handled_to_, t);
  std::erase_if(watches_, [&](const Watch& w) { return w.read_ns <= handled_to_; });
  if (watches_.empty()) release();
}

void ProcNameCheck::release() {
  while (!held_.empty()) {
    consumer_.on_row(held_.front().row);
    held_.pop_front();
  }
  held_bytes_ = 0;
}

}  // namespace ior::event
