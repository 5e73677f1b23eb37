#include "reader_runner.hpp"

#include <unistd.h>

#include <sstream>
#include <stdexcept>

#include "subprocess.hpp"

namespace ior::testing {

bool readers_available(std::string* why) {
  std::string modules = std::string(IOR_READERS_DIR) + "/node_modules";
  if (access("/usr/bin/node", X_OK) != 0 && access("/usr/local/bin/node", X_OK) != 0) {
    if (why) *why = "node is not installed (scripts/setup.sh --test installs it)";
    return false;
  }
  if (access((modules + "/chdb").c_str(), R_OK) != 0 ||
      access((modules + "/@duckdb/node-api").c_str(), R_OK) != 0) {
    if (why) *why = modules + " lacks chdb or @duckdb/node-api (scripts/setup.sh --test installs them)";
    return false;
  }
  return true;
}

std::vector<std::string> reader_query(const std::string& engine, const std::string& sql) {
  std::string node = access("/usr/bin/node", X_OK) == 0 ? "/usr/bin/node" : "/usr/local/bin/node";
  std::string out = run_and_capture({node, std::string(IOR_READERS_DIR) + "/query.mjs", engine, sql},
                                    std::chrono::seconds(300));
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string json_field(const std::string& line, const std::string& key) {
  std::string pat = "\"" + key + "\":";
  auto pos = line.find(pat);
  if (pos == std::string::npos) throw std::runtime_error("no " + key + " in " + line);
  pos += pat.size();
  if (line[pos] == '"') {
    std::string out;
    for (++pos; pos < line.size() && line[pos] != '"'; ++pos) {
      if (line[pos] == '\\' && pos + 1 < line.size()) ++pos;  // \/ \" \\ (no \u in our values)
      out += line[pos];
    }
    return out;
  }
  auto end = line.find_first_of(",}", pos);
  return line.substr(pos, end - pos);
}

}  // namespace ior::testing
