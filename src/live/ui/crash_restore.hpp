#pragma once
// The terminal given back when ior crashes while the live view owns it (a
// fault in a sink's thread, an abort): the orderly ways out (q, a stop
// signal, an exception) run LiveUi::stop(), a crash runs no destructor.
// Handlers for SIGSEGV, SIGBUS, SIGABRT, SIGFPE and SIGILL write sequences
// computed when the view starts (reset the attributes, show the cursor,
// leave keypad mode and the alternate screen: what endwin() writes), put
// back the terminal modes saved before ncurses changed them, and raise the
// signal again with its default action, so the exit status (and a core
// dump) is the crash's. The handlers call write(2), tcsetattr(3),
// sigaction(2) and raise(3) only: all async-signal-safe.

namespace ior::live::ui {

/// Saves the modes of the terminal on fd; before ncurses sets it up.
void crash_restore_save(int fd) noexcept;
/// Takes the sequences from terminfo (ncurses has loaded it: after
/// newterm) and installs the handlers.
void crash_restore_arm() noexcept;
/// Puts the previous handlers back; before endwin().
void crash_restore_disarm() noexcept;

}  // namespace ior::live::ui
