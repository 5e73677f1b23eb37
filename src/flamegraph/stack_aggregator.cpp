#include "flamegraph/stack_aggregator.hpp"

#include <algorithm>
#include <charconv>

#include "base/error.hpp"
#include "base/saturating.hpp"
#include "flamegraph/folded_frame.hpp"

namespace ior::flamegraph {
namespace {

// One stack besides its text: map node (next pointer, key, value, cached
// hash), bucket pointer, malloc headers of node and text.
std::size_t stack_bytes(std::size_t text) { return text + 96; }

constexpr std::pair<std::string_view, Field> kFields[] = {
    {"path", Field::kPath}, {"comm", Field::kComm}, {"tracepoint", Field::kTracepoint},
    {"pid", Field::kPid},   {"tid", Field::kTid},   {"flags", Field::kFlags}};
constexpr std::pair<std::string_view, ValueKind> kValues[] = {
    {"count", ValueKind::kCount},
    {"duration", ValueKind::kDuration},
    {"durationToPrev", ValueKind::kDurationToPrev},
    {"bytes", ValueKind::kBytes}};

template <class T>
void append_number(std::string& out, T v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, static_cast<std::size_t>(end - buf));
}

}  // namespace

std::vector<Field> parse_fields(std::string_view list) {
  std::vector<Field> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    auto it = std::find_if(std::begin(kFields), std::end(kFields),
                           [&](const auto& f) { return f.first == item; });
    if (it == std::end(kFields)) {
      throw UsageError("flag -fields: unknown field \"" + std::string(item) +
                       "\" (path, comm, tracepoint, pid, tid, flags)");
    }
    out.push_back(it->second);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (out.empty()) throw UsageError("flag -fields: needs at least one field");
  return out;
}

ValueKind parse_value_kind(std::string_view name) {
  for (const auto& [n, v] : kValues) {
    if (n == name) return v;
  }
  throw UsageError("flag -count: unknown value \"" + std::string(name) +
                   "\" (count, duration, durationToPrev, bytes)");
}

std::string_view field_name(Field f) {
  for (const auto& [n, v] : kFields) {
    if (v == f) return n;
  }
  return "?";
}

std::string_view value_kind_name(ValueKind v) {
  for (const auto& [n, k] : kValues) {
    if (k == v) return n;
  }
  return "?";
}

StackAggregator::StackAggregator(std::vector<Field> fields, ValueKind value, std::size_t max_stacks,
                                 std::size_t max_bytes)
    : fields_(std::move(fields)), value_(value), max_stacks_(max_stacks), max_bytes_(max_bytes) {}

void StackAggregator::append_frame(Field f, const schema::EventRow& row) {
  switch (f) {
    case Field::kPath: {
      std::string_view p = !row.filename.empty() ? row.filename
                           : !row.pathname.empty() ? row.pathname
                                                   : row.oldname;
      if (p.empty()) {
        key_ += "[no file]";  // ior's own frame: not escaped as a name would be
      } else {
        append_folded_frame(key_, p);
      }
      break;
    }
    case Field::kComm: append_folded_frame(key_, row.comm); break;
    case Field::kTracepoint: append_folded_frame(key_, row.syscall_name); break;
    case Field::kPid: append_number(key_, row.pid); break;
    case Field::kTid: append_number(key_, row.tid); break;
    case Field::kFlags:
      key_ += "flags:0";
      {
        char buf[16];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint32_t>(row.flags), 8);
        (void)ec;
        key_.append(buf, static_cast<std::size_t>(end - buf));
      }
      break;
  }
}

std::uint64_t StackAggregator::value_of(const schema::EventRow& row) const {
  switch (value_) {
    case ValueKind::kCount: return 1;
    case ValueKind::kDuration: return row.duration_ns;
    case ValueKind::kDurationToPrev: return row.duration_to_prev_ns;
    case ValueKind::kBytes: return row.bytes;
  }
  return 0;
}

void StackAggregator::add(const schema::EventRow& row) {
  std::uint64_t v = value_of(row);
  if (v == 0) return;  // zero-width frames draw nothing
  key_.clear();
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i) key_.push_back(';');
    append_frame(fields_[i], row);
  }
  // Values come from recordings too (ior report): saturate, never wrap.
  total_ = saturating_add(total_, v);
  auto it = stacks_.find(key_);
  if (it != stacks_.end()) {
    it->second = saturating_add(it->second, v);
  } else if (stacks_.size() < max_stacks_ && bytes_ + stack_bytes(key_.size()) <= max_bytes_) {
    stacks_.emplace(key_, v);
    bytes_ += stack_bytes(key_.size());
  } else {
    ++rows_in_other_;
    auto& other = stacks_[std::string(kOther)];
    other = saturating_add(other, v);
  }
}

std::vector<Stack> StackAggregator::stacks() const {
  std::vector<Stack> out;
  out.reserve(stacks_.size());
  for (const auto& [k, v] : stacks_) out.push_back({k, v});
  std::sort(out.begin(), out.end(), [](const Stack& a, const Stack& b) { return a.frames < b.frames; });
  return out;
}

std::string StackAggregator::folded() const {
  std::string out;
  for (const auto& s : stacks()) {
    out += s.frames;
    out += ' ';
    append_number(out, s.value);
    out += '\n';
  }
  return out;
}

}  // namespace ior::flamegraph
