# Generates, at build time, the syscall-number lookups of bpf/syscalls.def, so
# that no hand-kept list can drift from the table:
#
#   ior_syscall_numbers(<target> DEF <syscalls.def> DIR <output dir>)
#
# writes <dir>/syscall_numbers_sys.inc (the C library's SYS_<name> macros:
# the build's architecture) and <dir>/syscall_numbers_nr.inc (the kernel's
# __NR_<name> macros: included after <asm-generic/unistd.h>, arm64's table,
# by a unit test on any machine). Each is a list of `{"name", number},`
# initialisers, one per line of syscalls.def whose number the included
# header defines: the macro of the name itself, else of its C library
# alias (below), else the line's `nr` column (syscalls since Linux 5.1 have
# one number on every architecture but alpha). <target> is a custom target
# that builds both.
#
# Run as a script (cmake -P) it does the generation itself.

# The kernel names (sys_<name>) whose macro the C library and uapi headers
# spell otherwise.
set(IOR_SYSCALL_ALIASES "newstat=stat;newlstat=lstat;newfstat=fstat;sendfile64=sendfile")

function(ior_syscall_numbers_write def prefix out)
  file(STRINGS ${def} lines REGEX "^IOR_SYSCALL\\(")
  set(text "// Generated from bpf/syscalls.def by cmake/SyscallNumbers.cmake: do not edit.\n")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^IOR_SYSCALL\\( *([0-9]+), *([a-z0-9_]+), *(-?[0-9]+),")
      message(FATAL_ERROR "syscalls.def: cannot read the line: ${line}")
    endif()
    set(name ${CMAKE_MATCH_2})
    set(nr ${CMAKE_MATCH_3})
    string(APPEND text "#if defined(${prefix}${name})\n    {\"${name}\", ${prefix}${name}},\n")
    foreach(alias IN LISTS IOR_SYSCALL_ALIASES)
      if(alias MATCHES "^${name}=(.+)$")
        string(APPEND text "#elif defined(${prefix}${CMAKE_MATCH_1})\n    {\"${name}\", ${prefix}${CMAKE_MATCH_1}},\n")
      endif()
    endforeach()
    if(nr GREATER_EQUAL 0)
      string(APPEND text "#else\n    {\"${name}\", ${nr}},\n")
    endif()
    string(APPEND text "#endif\n")
  endforeach()
  # Written only when changed, so that nothing recompiles for nothing.
  file(WRITE ${out}.tmp "${text}")
  file(COPY_FILE ${out}.tmp ${out} ONLY_IF_DIFFERENT)
  file(REMOVE ${out}.tmp)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
  ior_syscall_numbers_write(${DEF} SYS_ ${DIR}/syscall_numbers_sys.inc)
  ior_syscall_numbers_write(${DEF} __NR_ ${DIR}/syscall_numbers_nr.inc)
  return()
endif()

function(ior_syscall_numbers target)
  cmake_parse_arguments(ARG "" "DEF;DIR" "" ${ARGN})
  set(outs ${ARG_DIR}/syscall_numbers_sys.inc ${ARG_DIR}/syscall_numbers_nr.inc)
  add_custom_command(OUTPUT ${outs}
    COMMAND ${CMAKE_COMMAND} -DDEF=${ARG_DEF} -DDIR=${ARG_DIR} -P ${CMAKE_CURRENT_FUNCTION_LIST_FILE}
    DEPENDS ${ARG_DEF} ${CMAKE_CURRENT_FUNCTION_LIST_FILE}
    COMMENT "Generating the syscall numbers of syscalls.def"
    VERBATIM)
  add_custom_target(${target} DEPENDS ${outs})
endfunction()
