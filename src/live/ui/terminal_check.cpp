#include "live/ui/terminal_check.hpp"

#include <curses.h>
#include <term.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace ior::live::ui {

std::string terminal_problem() {
  if (!isatty(STDIN_FILENO)) return "standard input is not a terminal";
  if (!isatty(STDOUT_FILENO)) return "standard output is not a terminal";
  const char* term = std::getenv("TERM");
  if (term == nullptr || *term == '\0') return "TERM is not set";
  if (std::strcmp(term, "dumb") == 0) return "TERM=dumb cannot position the cursor";
  int err = 0;
  // only asks terminfo; the terminal is set up later by newterm()
  if (setupterm(term, STDOUT_FILENO, &err) != OK) {
    return std::string("terminal type \"") + term + "\" is unknown to terminfo";
  }
  const bool addressable = tigetstr(const_cast<char*>("cup")) != nullptr &&
                           tigetstr(const_cast<char*>("cup")) != reinterpret_cast<char*>(-1);
  del_curterm(cur_term);
  if (!addressable) return std::string("terminal type \"") + term + "\" cannot position the cursor";
  return "";
}

}  // namespace ior::live::ui
