# Builds a CO-RE BPF object and its libbpf skeleton header at build time.
#
#   ior_bpf_skeleton(<target> SOURCE <file.bpf.c>)
#
# vmlinux.h is generated from the running kernel's BTF (nothing generated is
# committed), the object is compiled by clang with a depfile (so editing any
# header it includes rebuilds it), debug info is stripped (BTF is kept), and
# `bpftool gen skeleton` writes <name>.skel.h. <target> is an INTERFACE library
# whose include directory holds the skeleton.
find_program(BPF_CLANG NAMES clang-14 clang REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)
find_program(LLVM_STRIP NAMES llvm-strip-14 llvm-strip REQUIRED)

function(ior_bpf_skeleton target)
  cmake_parse_arguments(B "" "SOURCE" "" ${ARGN})
  get_filename_component(stem ${B_SOURCE} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/bpf)
  set(vmlinux ${out}/vmlinux.h)
  set(obj ${out}/${stem}.bpf.o)
  set(skel ${out}/${stem}.skel.h)

  if(NOT EXISTS ${IOR_VMLINUX_BTF})
    message(FATAL_ERROR "ior: ${IOR_VMLINUX_BTF} is missing: the kernel has no BTF (CONFIG_DEBUG_INFO_BTF=y is needed)")
  endif()

  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    set(arch x86)
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
    set(arch arm64)
  else()
    # The programs read syscall arguments and numbers from this
    # architecture's registers: anywhere else they would trace nothing.
    message(FATAL_ERROR "ior: the tracer supports x86_64 and arm64, not ${CMAKE_SYSTEM_PROCESSOR} "
                        "(-DIOR_BUILD_TRACER=OFF builds the libraries only)")
  endif()

  add_custom_command(OUTPUT ${vmlinux}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${BPFTOOL} btf dump file ${IOR_VMLINUX_BTF} format c > ${vmlinux}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${vmlinux}.tmp ${vmlinux}
    COMMENT "Generating vmlinux.h from ${IOR_VMLINUX_BTF}"
    VERBATIM)

  add_custom_command(OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${arch}
            -Wall -Werror -Wno-unused-function
            -I${out} -I${PROJECT_SOURCE_DIR}/bpf
            -MD -MF ${obj}.d
            -c ${B_SOURCE} -o ${obj}
    COMMAND ${LLVM_STRIP} -g ${obj}
    DEPENDS ${B_SOURCE} ${vmlinux}
    DEPFILE ${obj}.d
    COMMENT "Compiling BPF object ${stem}.bpf.o"
    VERBATIM)

  add_custom_command(OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${stem}_bpf > ${skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${obj}
    COMMENT "Generating BPF skeleton ${stem}.skel.h"
    VERBATIM)

  add_custom_target(${target}_gen DEPENDS ${skel})
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_gen)
  # Generated code: SYSTEM, so our warning flags do not apply to the skeleton.
  target_include_directories(${target} SYSTEM INTERFACE ${out})
  target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/bpf)
endfunction()
