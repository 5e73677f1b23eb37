#pragma once
// Helpers shared by the replay-server tests: client options for a replay
// server, the violations as one message, and the text a server would hold
// for an EventRow's columns, derived from the row's fields (not from ior's
// encoder) to compare with what the replay server decoded.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "clickhouse/client/client_options.hpp"
#include "replay_server.hpp"
#include "schema/columns.hpp"
#include "schema/event_row.hpp"

namespace ior::testing::chreplay {

inline clickhouse::ClientOptions options_for(const ReplayServer& server) {
  clickhouse::ClientOptions o;
  o.host = "127.0.0.1";
  o.port = server.port();
  o.timeouts.connect = std::chrono::milliseconds(2000);
  o.timeouts.receive = std::chrono::milliseconds(10000);
  return o;
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += "\n  " + l;
  return s;
}

/// RFC 4122 bytes -> 8-4-4-4-12 lowercase, as ClickHouse prints a UUID.
inline std::string uuid_text(const schema::Uuid& u) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < u.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += digits[u[i] >> 4];
    s += digits[u[i] & 0xf];
  }
  return s;
}

/// Column name -> value text, for the columns this test knows.
inline std::map<std::string, std::string> row_text(const schema::EventRow& r) {
  return {{"timestamp_ns", std::to_string(r.timestamp_ns)},
          {"pid", std::to_string(r.pid)},
          {"tid", std::to_string(r.tid)},
          {"comm", std::string(r.comm)},
          {"syscall_name", std::string(r.syscall_name)},
          {"trace_id", std::to_string(r.trace_id)},
          {"event_type", std::to_string(r.event_type)},
          {"ret_value", std::to_string(r.ret_value)},
          {"ret_type", std::to_string(r.ret_type)},
          {"fd", std::to_string(r.fd)},
          {"filename", std::string(r.filename)},
          {"pathname", std::string(r.pathname)},
          {"oldname", std::string(r.oldname)},
          {"newname", std::string(r.newname)},
          {"flags", std::to_string(r.flags)},
          {"notice", std::to_string(r.notice)},
          {"duration_ns", std::to_string(r.duration_ns)},
          {"duration_to_prev_ns", std::to_string(r.duration_to_prev_ns)},
          {"hostname", std::string(r.hostname)},
          {"collection_id", uuid_text(r.collection_id)}};
}

/// Every row of the blocks as "col=value|..." over the known columns,
/// sorted; checks on the way that each column has the schema's type.
inline std::vector<std::string> rows_as_text(const std::vector<Block>& blocks) {
  std::map<std::string, std::string> types;
  for (const auto& c : schema::kColumnInfo) types[std::string(c.name)] = std::string(schema::clickhouse_type_name(c.type));
  const auto known = row_text(schema::EventRow{});
  std::vector<std::string> out;
  for (const auto& b : blocks) {
    for (const auto& c : b.columns) EXPECT_EQ(c.type, types[c.name]) << "column " << c.name;
    for (std::size_t i = 0; i < b.rows; ++i) {
      std::string row;
      for (const auto& [name, unused] : known) row += name + "=" + b.column(name).values.at(i) + "|";
      out.push_back(std::move(row));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<std::string> rows_as_text(const std::vector<schema::EventRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string row;
    for (const auto& [name, value] : row_text(r)) row += name + "=" + value + "|";
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ior::testing::chreplay
