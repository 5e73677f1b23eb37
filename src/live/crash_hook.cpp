#include "live/crash_hook.hpp"

#include <signal.h>

#include <cstdlib>
#include <string_view>

#include "live/activity.hpp"

namespace ior::live {

bool CrashHook::matches(const schema::EventRow& row) const {
  return !file_suffix.empty() && row_file(row).ends_with(file_suffix);
}

void CrashHook::fire() const {
  if (sig == SIGABRT) std::abort();
  raise(sig);  // the thread's own signal, as a fault on it would be
  std::abort();
}

CrashHook crash_hook_from_environment() {
  CrashHook h;
  const char* v = std::getenv(kCrashHookVariable);
  if (v == nullptr) return h;
  const std::string_view spec(v);
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos || colon + 1 == spec.size()) return h;
  const std::string_view name = spec.substr(0, colon);
  const int sig = name == "segv" ? SIGSEGV : name == "bus" ? SIGBUS : name == "abort" ? SIGABRT : name == "fpe" ? SIGFPE : 0;
  if (sig == 0) return h;
  h.sig = sig;
  h.file_suffix = spec.substr(colon + 1);
  return h;
}

}  // namespace ior::live
