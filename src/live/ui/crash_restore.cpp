#include "live/ui/crash_restore.hpp"

#include <curses.h>
#include <signal.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include <cstddef>
#include <iterator>

namespace ior::live::ui {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
constexpr std::size_t kSignalCount = std::size(kSignals);

// Everything the handler reads is filled before it is installed.
struct Saved {
  int fd = -1;
  termios modes{};
  bool have_modes = false;
  char sequence[512];
  std::size_t sequence_len = 0;
  struct sigaction previous[kSignalCount];
  bool armed = false;
};
Saved g_saved;
volatile sig_atomic_t g_restore_pending = 0;

int append_byte(int c) {
  if (g_saved.sequence_len < sizeof g_saved.sequence) g_saved.sequence[g_saved.sequence_len++] = static_cast<char>(c);
  return c;
}

// tputs expands the capability's padding ($<2>) into what the terminal
// needs: the bytes are then written as they are.
void append_capability(const char* name) {
  const char* s = tigetstr(const_cast<char*>(name));
  if (s == nullptr || s == reinterpret_cast<const char*>(-1)) return;
  tputs(s, 1, append_byte);
}

void on_crash(int sig) {
  if (g_restore_pending != 0) {
    g_restore_pending = 0;  // a second thread crashing meanwhile writes nothing twice
    std::size_t done = 0;
    while (done < g_saved.sequence_len) {
      const ssize_t n = ::write(g_saved.fd, g_saved.sequence + done, g_saved.sequence_len - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    if (g_saved.have_modes) tcsetattr(g_saved.fd, TCSANOW, &g_saved.modes);
  }
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  // Pending until the handler returns (sig is blocked in it), then the
  // default action; a fault would also recur at the faulting instruction.
  raise(sig);
}

}  // namespace

void crash_restore_save(int fd) noexcept {
  g_saved.fd = fd;
  g_saved.have_modes = tcgetattr(fd, &g_saved.modes) == 0;
}

void crash_restore_arm() noexcept {
  if (g_saved.armed || g_saved.fd < 0) return;
  g_saved.sequence_len = 0;
  append_capability("sgr0");   // attributes off
  append_capability("cnorm");  // the cursor as it was
  append_capability("rmkx");   // keypad back to what the shell expects
  append_capability("rmcup");  // leave the alternate screen
  struct sigaction sa {};
  sa.sa_handler = on_crash;
  sa.sa_flags = SA_ONSTACK;  // a stack overflow leaves no room on the thread's own stack
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < kSignalCount; ++i) sigaction(kSignals[i], &sa, &g_saved.previous[i]);
  g_restore_pending = 1;
  g_saved.armed = true;
}

void crash_restore_disarm() noexcept {
  if (!g_saved.armed) return;
  g_restore_pending = 0;
  for (std::size_t i = 0; i < kSignalCount; ++i) sigaction(kSignals[i], &g_saved.previous[i], nullptr);
  g_saved.armed = false;
}

}  // namespace ior::live::ui
