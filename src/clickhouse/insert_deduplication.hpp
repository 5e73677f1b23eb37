#pragma once
// Whether a server can make a resent INSERT harmless by itself: ClickHouse
// drops a block whose deduplication id it has seen, and from 22.2 on the
// client may name that id (insert_deduplication_token). Replicated*MergeTree
// tables keep the ids by default; a plain MergeTree only with
// non_replicated_deduplication_window > 0. Where both hold, an INSERT whose
// outcome is unknown is resent whole, in the same blocks and under the same
// token, and the server stores it once; elsewhere the writer asks the table
// whether the rows are there (StreamWriter::already_stored).

#include <cstdint>
#include <string>
#include <string_view>

#include "clickhouse/client/connection.hpp"

namespace ior::clickhouse {

/// The server takes insert_deduplication_token (ClickHouse 22.2+).
bool server_takes_dedup_token(std::uint64_t major, std::uint64_t minor);

/// A table of this engine keeps its blocks' deduplication ids. engine and
/// engine_full as system.tables gives them. Distributed forwards INSERTs
/// asynchronously to shards: not counted on.
bool engine_deduplicates(std::string_view engine, std::string_view engine_full);

/// Both hold for db.table on the server of conn (one system.tables query).
bool inserts_deduplicate(Connection& conn, const std::string& db, const std::string& table);

/// The window ior's modern DDL gives its MergeTree table: the ids of the
/// last this many blocks are kept (a retry comes within seconds; at 10 000
/// rows a block this covers millions of rows).
inline constexpr unsigned kDeduplicationWindow = 1000;

}  // namespace ior::clickhouse
