#include "workload_manifest.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace ior::testing {

std::vector<ManifestLine> parse_manifest(const std::string& text) {
  std::vector<ManifestLine> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    ManifestLine m;
    std::string pid, tid, ret;
    std::getline(f, pid, '\t');
    std::getline(f, tid, '\t');
    std::getline(f, m.name, '\t');
    std::getline(f, ret, '\t');
    std::getline(f, m.file);
    m.pid = static_cast<std::uint32_t>(std::stoul(pid));
    m.tid = static_cast<std::uint32_t>(std::stoul(tid));
    m.ret = std::stoll(ret);
    out.push_back(std::move(m));
  }
  return out;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/ior_test_XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace ior::testing
