#pragma once
// In-memory tables behind the replay server, enough to answer every
// statement ior's ClickHouse sink and StreamWriter send: CREATE DATABASE /
// TABLE / VIEW, the system.columns and system.tables look-ups, INSERT ... VALUES (rows
// kept only when the INSERT ends: a small INSERT is stored whole or not at
// all), and the writer's "are these rows there?" count. Faults can be
// injected per INSERT: refused after its first block (nothing stored), or
// stored with the connection lost before the acknowledgement. Like
// MergeTreeSink, a table that keeps deduplication ids (Replicated*, or
// non_replicated_deduplication_window > 0) drops a block of an INSERT with
// insert_deduplication_token T whose id "T_<block index>" it has seen.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "replay_native.hpp"
#include "replay_server.hpp"

namespace ior::testing::chreplay {

/// kStoreFirstThenFail: the first block is written as a part (as a server
/// does once a block is squashed), then the INSERT fails with an exception
/// (memory limit): stored in part, refused as a whole.
enum class InsertFault { kNone, kRefuseAfterFirstBlock, kDropBeforeAck, kStoreFirstThenFail };

class Catalog {
 public:
  struct Table {
    std::vector<std::pair<std::string, std::string>> columns;  ///< name, type
    std::vector<std::pair<std::string, std::string>> defaults; ///< name, expression
    std::vector<Block> blocks;                                 ///< stored rows
    std::string engine_full;                                   ///< after "ENGINE = " in its CREATE
    std::set<std::string> block_ids;                           ///< deduplication ids seen
  };

  /// The fault of the n-th INSERT (0-based, over all connections).
  void set_fault(std::function<InsertFault(std::size_t)> fault);
  /// Answers one query (a Handler body); an unknown statement gets
  /// exception 62 and is listed in unknown().
  void answer(Exchange& ex);

  std::size_t row_count(const std::string& table) const;
  std::vector<Block> blocks(const std::string& table) const;
  bool has_table(const std::string& table) const;
  /// "default", "system" and the databases created (ReplayServer::set_databases).
  bool has_database(const std::string& db) const;
  std::vector<std::string> statements() const;
  std::vector<std::string> unknown() const;
  std::size_t inserts() const;
  /// Blocks dropped because their deduplication id was seen before.
  std::size_t deduplicated_blocks() const;

 private:
  void create_table(Exchange& ex, const std::string& sql);
  void system_columns(Exchange& ex, const std::string& sql);
  void system_tables(Exchange& ex, const std::string& sql);
  void insert(Exchange& ex, const std::string& sql);
  void count_keys(Exchange& ex, const std::string& sql);
  /// Keeps the INSERT's blocks, but those whose deduplication id was seen.
  void store(Exchange& ex, const std::string& table, std::vector<Block>& received);

  mutable std::mutex mu_;
  std::map<std::string, Table> tables_;  ///< "db.table"
  std::set<std::string> databases_{"default", "system"};
  std::vector<std::string> statements_, unknown_;
  std::function<InsertFault(std::size_t)> fault_;
  std::size_t inserts_ = 0;
  std::size_t deduplicated_ = 0;
};

}  // namespace ior::testing::chreplay
