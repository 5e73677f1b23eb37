#include "trace/cpu_rings.hpp"

#include <bpf/bpf.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <string>

#include "base/error.hpp"

namespace ior::trace {
namespace {

// bpf_ktime_get_ns() reads the kernel's fast monotonic clock, which may trail
// clock_gettime's by a little around clock updates: records are handed on up
// to this much before the round began, the rest a round later.
constexpr std::uint64_t kClockSlackNs = 1'000'000;

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace

CpuRings::CpuRings(int count, std::uint32_t ring_bytes) : ring_bytes_(ring_bytes) {
  try {
    open(count);
  } catch (...) {
    unmap_all();  // no destructor runs for a constructor that throws
    throw;
  }
}

void CpuRings::open(int count) {
  const std::uint32_t ring_bytes = ring_bytes_;
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) throw SystemError("cannot create an epoll set for the ring buffers", errno);
  std::vector<RingView> views;
  for (int i = 0; i < count; ++i) {
    UniqueFd fd(bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ior_ring", 0, 0, ring_bytes, nullptr));
    if (!fd) throw SystemError("cannot create a ring buffer of " + std::to_string(ring_bytes) + " bytes", errno);
    // Kept in maps_ as soon as mapped: unmap_all undoes whatever succeeded.
    Mapping& m = maps_.emplace_back();
    m.consumer = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    if (m.consumer == MAP_FAILED) throw SystemError("cannot map a ring buffer", errno);
    m.producer_bytes = page + 2 * static_cast<std::size_t>(ring_bytes);
    m.producer = mmap(nullptr, m.producer_bytes, PROT_READ, MAP_SHARED, fd.get(), static_cast<off_t>(page));
    if (m.producer == MAP_FAILED) throw SystemError("cannot map a ring buffer", errno);
    // Edge-triggered: records waiting for a later round must not make every
    // wait return at once; the poll timeout reads them.
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &ev) != 0) {
      throw SystemError("cannot wait on a ring buffer", errno);
    }
    views.push_back(RingView{static_cast<std::uint64_t*>(m.consumer), static_cast<const std::uint64_t*>(m.producer),
                             static_cast<const std::byte*>(m.producer) + page, ring_bytes});
    fds_.push_back(std::move(fd));
  }
  merge_ = std::make_unique<RingMerge>(std::move(views));
}

CpuRings::~CpuRings() { unmap_all(); }

void CpuRings::levels(RingLevels& out) const {
  out.written.resize(maps_.size());
  out.fullest = 0;
  for (std::size_t i = 0; i < maps_.size(); ++i) {
    const auto* producer = static_cast<const std::uint64_t*>(maps_[i].producer);
    const auto* consumer = static_cast<const std::uint64_t*>(maps_[i].consumer);
    const std::uint64_t written = __atomic_load_n(producer, __ATOMIC_ACQUIRE);
    const std::uint64_t read = __atomic_load_n(consumer, __ATOMIC_RELAXED);
    out.written[i] = written;
    const double unread = static_cast<double>(written - read) / static_cast<double>(ring_bytes_);
    out.fullest = std::max(out.fullest, unread);
  }
}

void CpuRings::unmap_all() noexcept {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  for (const auto& m : maps_) {
    if (m.consumer != nullptr && m.consumer != MAP_FAILED) munmap(m.consumer, page);
    if (m.producer != nullptr && m.producer != MAP_FAILED) munmap(m.producer, m.producer_bytes);
  }
  maps_.clear();
}

std::size_t CpuRings::poll(int timeout_ms, const RingMerge::Sink& sink) {
  // Records the last poll left (its rounds capped): no waiting for more.
  if (merge_->more()) timeout_ms = 0;
  epoll_event events[8];
  const int n = epoll_wait(epoll_.get(), events, 8, timeout_ms);
  if (n < 0 && errno != EINTR) throw SystemError("polling the ring buffers", errno);
  const std::uint64_t now = monotonic_ns();
  const std::uint64_t t0 = now > kClockSlackNs ? now - kClockSlackNs : 0;
  std::size_t total = 0;
  std::size_t handed = 0;
  // Rounds for a bounded time: the reader's loop must come back to see a
  // stop and run its tick while the rings are fuller than it can empty
  // (a stop once waited for the workload to end).
  const std::uint64_t until = now + kMaxPollNs;
  do {
    handed = merge_->round(t0, sink);
    total += handed;
  } while (merge_->more() && handed > 0 && monotonic_ns() < until);
  // Records held back by a ring's busy bit or max_per_ring wait for a
  // later round: only a complete round hands on everything up to t0.
  if (merge_->complete()) handled_to_ = std::max(handled_to_, t0);
  return total;
}

std::size_t CpuRings::drain(const RingMerge::Sink& sink) {
  const std::size_t n = merge_->drain(sink);
  handled_to_ = std::numeric_limits<std::uint64_t>::max();
  return n;
}

}  // namespace ior::trace
