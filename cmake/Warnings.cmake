# Per-target warnings (never global CMAKE_CXX_FLAGS): every project target
# calls this. -Werror only with IOR_WERROR (developer and CI builds): a newer
# compiler's new warning must not break a user's build.
function(ior_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wformat=2
    -Wimplicit-fallthrough $<$<BOOL:${IOR_WERROR}>:-Werror>)
endfunction()

# A module library: static, warnings on, include root = src/.
function(ior_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${M_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${M_DEPS})
  ior_warnings(${name})
endfunction()
