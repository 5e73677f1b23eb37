#include "trace/tracer.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "base/error.hpp"
#include "base/terminal_text.hpp"
#include "ior.skel.h"
#include "ior_event.h"
#include "trace/cpu_rings.hpp"
#include "trace/preflight.hpp"
#include "trace/syscall_numbers.hpp"

namespace ior::trace {
namespace {

// What to record per syscall, from the same table the event decoder uses.
struct SyscallDef {
  const char* name;
  ior_syscall_spec spec;
};

constexpr SyscallDef kSyscalls[] = {
#define IOR_SYSCALL(id, name, nr, cls, ret, fx, s0, s1, n0, n1, n2) \
  {#name, {IOR_SC_##name, IOR_CLASS_##cls, s0, s1, {n0, n1, n2}}},
#include "syscalls.def"
#undef IOR_SYSCALL
};

// libbpf's messages: the first warning since the last step began is kept
// for the error report (later ones only say that the object or skeleton
// failed); everything is printed only with IOR_DEBUG_LIBBPF set, so a normal
// run shows our one-line errors.
std::mutex g_log_mutex;
std::string g_last_libbpf_error;

int libbpf_print(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (std::getenv("IOR_DEBUG_LIBBPF") != nullptr) {
    // Full verifier logs are long (so no fixed buffer) and quote program,
    // map and file names: printed escaped, line breaks kept.
    va_list copy;
    va_copy(copy, args);
    int len = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    if (len <= 0) return 0;
    std::string text(static_cast<std::size_t>(len) + 1, '\0');
    std::vsnprintf(text.data(), text.size(), fmt, args);
    text.pop_back();
    TerminalTextOptions lines;
    lines.keep_newlines = true;
    std::fputs(terminal_text(text, lines).c_str(), stderr);
    return 0;
  }
  if (level == LIBBPF_DEBUG) return 0;
  char buf[1024];
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(buf, sizeof buf, fmt, copy);
  va_end(copy);
  if (n > 0 && level == LIBBPF_WARN && std::strchr(buf, '\n') == buf + n - 1) {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    if (!g_last_libbpf_error.empty()) return 0;
    g_last_libbpf_error = buf;
    while (!g_last_libbpf_error.empty() && g_last_libbpf_error.back() == '\n') {
      g_last_libbpf_error.pop_back();
    }
  }
  return 0;
}

// The kept warning as " (text)", or "", and forgets it for the next step.
std::string last_libbpf_error() {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  std::string text;
  text.swap(g_last_libbpf_error);
  return text.empty() ? "" : " (" + text + ")";
}

void forget_libbpf_error() { last_libbpf_error(); }

std::uint32_t round_up_pow2(std::uint64_t v) {
  std::uint64_t p = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  while (p < v) p <<= 1;
  if (p > (1ull << 31)) throw UsageError("flag -mapSize: at most 2G");
  return static_cast<std::uint32_t>(p);
}

// Each CPU's ring gets an equal share of -mapSize (a power of two), but no
// less than 1 MiB, or the whole -mapSize when that is smaller: a burst on one
// CPU has a ring of its own to fill.
std::uint32_t ring_share(std::uint64_t map_size, int ncpu) {
  const std::uint32_t total = round_up_pow2(map_size);
  const std::uint32_t floor = std::min<std::uint32_t>(total, 1u << 20);
  std::uint32_t share = total;
  while (share > floor && share / 2 >= total / static_cast<std::uint32_t>(ncpu)) share /= 2;
  return round_up_pow2(share);
}

}  // namespace

struct Tracer::Impl {
  ior_bpf* skel = nullptr;
  std::unique_ptr<CpuRings> rings;  // outlives skel: its fds are in the programs' map
  std::vector<bpf_link*> links;
  std::vector<std::string> attached;
  std::vector<std::string> skipped;
  int ncpu = 0;                      // per-CPU map width, read once before attach
  bool with_tasks = true;            // the fork/exit/exec programs loaded
  bool attached_links = false;       // attach() ran (it runs once)
  std::function<void(const std::string&)> warn;

  ~Impl() {
    for (auto* l : links) bpf_link__destroy(l);
    if (skel) ior_bpf__destroy(skel);
  }
};

namespace {

// Opens the skeleton and writes what must be set before load.
ior_bpf* open_configured(const TracerOptions& o, const CpuRings& rings) {
  forget_libbpf_error();
  auto* skel = ior_bpf__open();
  if (!skel) throw SystemError("cannot open the BPF object" + last_libbpf_error(), errno);
  skel->rodata->cfg_self_pid = o.self_pid;
  skel->rodata->cfg_pid = o.pid;
  skel->rodata->cfg_tid = o.tid;
  skel->rodata->cfg_follow = o.follow ? 1 : 0;
  skel->rodata->cfg_uid_filter = o.uids.empty() ? 0 : 1;
  skel->rodata->cfg_cgroup_filter = o.cgroup_fd >= 0 ? 1 : 0;
  skel->rodata->cfg_wakeup_each = o.wakeup_each_record ? 1 : 0;
  skel->rodata->cfg_cost_stage = o.cost_stage;
  skel->rodata->cfg_str_max = o.str_max == 0 || o.str_max > IOR_STR_MAX ? IOR_STR_MAX : o.str_max;
  skel->rodata->cfg_ring_half = rings.ring_bytes() / 2;
  // The array of rings takes its inner map's type and size from one of them.
  if (int err = bpf_map__set_inner_map_fd(skel->maps.events, rings.fd(0)); err) {
    ior_bpf__destroy(skel);
    throw SystemError("cannot set the ring buffers' template", -err);
  }
  if (int err = bpf_map__set_max_entries(skel->maps.events, static_cast<std::uint32_t>(rings.count())); err) {
    ior_bpf__destroy(skel);
    throw SystemError("cannot size the array of ring buffers", -err);
  }
  // A preallocated hash map costs its full size: only -follow needs room.
  const std::uint32_t followed = o.max_followed != 0 ? o.max_followed : IOR_MAX_FOLLOWED;
  if (int err = bpf_map__set_max_entries(skel->maps.followed, o.follow ? followed : 1); err) {
    ior_bpf__destroy(skel);
    throw SystemError("cannot size the map of followed processes", -err);
  }
  return skel;
}

std::vector<bpf_program*> task_programs(ior_bpf* skel) {
  return {skel->progs.handle_fork, skel->progs.handle_task_exit, skel->progs.handle_exec};
}

}  // namespace

Tracer::Tracer(TracerOptions o) : impl_(std::make_unique<Impl>()) {
  libbpf_set_print(libbpf_print);
  preflight();  // root, BTF: one-line errors
  // Read now: counters() must not make syscalls of its own (libbpf reads
  // /sys/devices/system/cpu/possible on first use), or reading the counters of
  // a traced thread would change them.
  impl_->ncpu = libbpf_num_possible_cpus();
  if (impl_->ncpu <= 0) throw SystemError("cannot count the possible CPUs", -impl_->ncpu);

  impl_->rings = std::make_unique<CpuRings>(impl_->ncpu, ring_share(o.ring_bytes, impl_->ncpu));
  impl_->skel = open_configured(o, *impl_->rings);
  impl_->warn = o.warn;
  std::string why_no_tasks;
  forget_libbpf_error();
  if (int err = ior_bpf__load(impl_->skel); err) {
    // The task programs only keep fd tables of forked and exec'd processes
    // right: a kernel that refuses them still gets the syscalls traced.
    std::string why = last_libbpf_error();
    why_no_tasks = why;
    ior_bpf__destroy(impl_->skel);
    impl_->skel = nullptr;
    impl_->skel = open_configured(o, *impl_->rings);
    for (auto* p : task_programs(impl_->skel)) bpf_program__set_autoload(p, false);
    bpf_program__set_autoload(impl_->skel->progs.handle_cgroup_move, false);
    forget_libbpf_error();
    if (ior_bpf__load(impl_->skel) != 0) {
      throw SystemError("the kernel refused the BPF programs" + why +
                            "; set IOR_DEBUG_LIBBPF=1 for the verifier log",
                        -err);
    }
    impl_->with_tasks = false;
    if (o.warn) {
      o.warn("ior: fork/exit/exec tracking is unavailable on this kernel" + why +
             ": fd tables of forked or exec'd processes may be stale");
    }
  }
  if (o.follow && !impl_->with_tasks) {
    throw Error("-follow needs the fork and exit tracepoints, which this kernel refused" + why_no_tasks);
  }
  fill_syscall_specs(o);
  fill_filters(o);
  // The rings are in place before attaching, so the tracer's own setup is never traced.
  const int rings_fd = bpf_map__fd(impl_->skel->maps.events);
  for (std::uint32_t cpu = 0; cpu < impl_->rings->count(); ++cpu) {
    const int fd = impl_->rings->fd(cpu);
    if (bpf_map_update_elem(rings_fd, &cpu, &fd, BPF_ANY) != 0) {
      throw SystemError("cannot put a ring buffer in place", errno);
    }
  }
}

void Tracer::fill_syscall_specs(const TracerOptions& o) {
  int map_fd = bpf_map__fd(impl_->skel->maps.syscall_specs);
  for (const auto& def : kSyscalls) {
    long nr = native_syscall_nr(def.name);
    if (nr < 0 || nr >= IOR_MAX_SYSCALL_NR) {
      impl_->skipped.emplace_back(def.name);
      if (o.warn) o.warn(std::string("ior: syscall ") + def.name + " does not exist on this architecture: skipped");
      continue;
    }
    if (o.select && !o.select(def.name)) continue;
    auto key = static_cast<std::uint32_t>(nr);
    if (bpf_map_update_elem(map_fd, &key, &def.spec, BPF_ANY) != 0) {
      throw SystemError(std::string("cannot enable syscall ") + def.name, errno);
    }
    impl_->attached.emplace_back(def.name);
  }
}

// The kernel-side filters' maps: -follow's first process, -uid's ids,
// -cgroup's directory.
void Tracer::fill_filters(const TracerOptions& o) {
  auto* skel = impl_->skel;
  if (o.follow && o.pid != 0) follow(o.pid);
  const std::uint8_t one = 1;
  for (std::uint32_t uid : o.uids) {
    if (bpf_map__update_elem(skel->maps.uid_allowed, &uid, sizeof uid, &one, sizeof one, BPF_ANY) != 0) {
      throw SystemError("cannot set the -uid filter", errno);
    }
  }
  if (o.cgroup_fd >= 0) {
    const std::uint32_t slot = 0;
    const std::uint32_t fd = static_cast<std::uint32_t>(o.cgroup_fd);
    if (bpf_map__update_elem(skel->maps.cgroup_allowed, &slot, sizeof slot, &fd, sizeof fd, BPF_ANY) != 0) {
      throw SystemError("cannot set the -cgroup filter", errno);
    }
  }
}

Tracer::~Tracer() = default;

const std::vector<std::string>& Tracer::attached_syscalls() const { return impl_->attached; }

bool Tracer::set_recording(std::string_view name, bool on) {
  if (std::find(impl_->attached.begin(), impl_->attached.end(), name) == impl_->attached.end()) return false;
  for (const auto& def : kSyscalls) {
    if (name != def.name) continue;
    const auto key = static_cast<std::uint32_t>(native_syscall_nr(def.name));
    const ior_syscall_spec off{};  // id 0: the programs return at their first lookup
    const int map_fd = bpf_map__fd(impl_->skel->maps.syscall_specs);
    return bpf_map_update_elem(map_fd, &key, on ? &def.spec : &off, BPF_ANY) == 0;
  }
  return false;
}
const std::vector<std::string>& Tracer::skipped_syscalls() const { return impl_->skipped; }

std::size_t Tracer::poll(RecordHandler& handler, int timeout_ms) {
  return impl_->rings->poll(timeout_ms, [&handler](std::span<const std::byte> r) { handler.on_record(r); });
}

std::size_t Tracer::drain(RecordHandler& handler) {
  return impl_->rings->drain([&handler](std::span<const std::byte> r) { handler.on_record(r); });
}

std::uint64_t Tracer::handled_to() const { return impl_->rings->handled_to(); }

void Tracer::attach() {
  if (impl_->attached_links) return;
  impl_->attached_links = true;
  auto* skel = impl_->skel;
  // Before the syscall programs: a cgroup id is cached per task only while
  // every move is counted (bpf/cgroup.bpf.h); without it, read every time.
  if (impl_->with_tasks) {
    if (bpf_link* l = bpf_program__attach(skel->progs.handle_cgroup_move)) {
      impl_->links.push_back(l);
      __atomic_store_n(&skel->bss->cgroup_moves_counted, 1, __ATOMIC_SEQ_CST);
    }
  }
  for (bpf_program* required : {skel->progs.handle_sys_enter, skel->progs.handle_sys_exit}) {
    forget_libbpf_error();
    bpf_link* l = bpf_program__attach(required);
    if (!l) {
      throw SystemError(std::string("cannot attach to the raw syscall tracepoint (") +
                            bpf_program__name(required) + ")" + last_libbpf_error(),
                        errno);
    }
    impl_->links.push_back(l);
  }
  if (!impl_->with_tasks) return;
  for (bpf_program* task : task_programs(skel)) {
    forget_libbpf_error();
    bpf_link* l = bpf_program__attach(task);
    if (!l) {
      if (impl_->warn) {
        impl_->warn(std::string("ior: cannot attach ") + bpf_program__name(task) + last_libbpf_error() +
                    ": fd tables of forked or exec'd processes may be stale");
      }
      continue;
    }
    impl_->links.push_back(l);
  }
}

void Tracer::detach() {
  const bool was_attached = !impl_->links.empty();
  for (auto* l : impl_->links) bpf_link__destroy(l);
  impl_->links.clear();
  if (was_attached) flush_pending();
}

// The syscalls still running at stop wait in their task's slot (bpf/pair.bpf.h):
// a task iterator puts their enters in the ring, so the pipeline sees them as
// it would have without the slot (counted as running at the end). A failure
// costs only those counts: warned, not thrown.
void Tracer::flush_pending() {
  forget_libbpf_error();
  bpf_link* link = bpf_program__attach_iter(impl_->skel->progs.flush_pending, nullptr);
  if (!link) {
    if (impl_->warn) impl_->warn("ior: cannot read the syscalls still running at stop" + last_libbpf_error());
    return;
  }
  const int fd = bpf_iter_create(bpf_link__fd(link));
  if (fd >= 0) {
    char buf[64];  // the program writes nothing: reading runs it over every task
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
    }
    ::close(fd);
  } else if (impl_->warn) {
    impl_->warn("ior: cannot read the syscalls still running at stop (bpf_iter_create failed)");
  }
  bpf_link__destroy(link);
}

void Tracer::ring_levels(RingLevels& out) const { impl_->rings->levels(out); }

std::size_t Tracer::ring_count() const { return impl_->rings->count(); }

TracerCounters Tracer::counters() const {
  TracerCounters c;
  std::vector<std::uint64_t> values(static_cast<std::size_t>(impl_->ncpu));
  auto sum = [&](std::uint32_t idx) {
    std::uint64_t total = 0;
    if (bpf_map__lookup_elem(impl_->skel->maps.counters, &idx, sizeof idx, values.data(),
                             values.size() * sizeof(std::uint64_t), 0) == 0) {
      for (auto v : values) total += v;
    }
    return total;
  };
  c.drop_enter = sum(IOR_CNT_DROP_ENTER);
  c.drop_exit = sum(IOR_CNT_DROP_EXIT);
  c.drop_task = sum(IOR_CNT_DROP_TASK);
  c.wakeups = sum(IOR_CNT_WAKEUPS);
  c.follow_full = sum(IOR_CNT_FOLLOW_FULL);
  return c;
}

bool Tracer::follow(std::uint32_t pid) {
  if (!impl_->skel->rodata->cfg_follow) throw Error("follow() without -follow");
  const std::uint8_t one = 1;
  if (bpf_map__update_elem(impl_->skel->maps.followed, &pid, sizeof pid, &one, sizeof one, BPF_NOEXIST) != 0) {
    return false;
  }
  __atomic_fetch_add(&impl_->skel->bss->followed_count, 1, __ATOMIC_SEQ_CST);
  return true;
}

void Tracer::unfollow(std::uint32_t pid) {
  if (bpf_map__delete_elem(impl_->skel->maps.followed, &pid, sizeof pid, 0) == 0) {
    __atomic_fetch_sub(&impl_->skel->bss->followed_count, 1, __ATOMIC_SEQ_CST);
  }
}

bool Tracer::is_followed(std::uint32_t pid) const {
  std::uint8_t v = 0;
  return bpf_map__lookup_elem(impl_->skel->maps.followed, &pid, sizeof pid, &v, sizeof v, 0) == 0;
}

std::uint64_t Tracer::followed_count() const {
  return __atomic_load_n(&impl_->skel->bss->followed_count, __ATOMIC_SEQ_CST);
}

}  // namespace ior::trace
