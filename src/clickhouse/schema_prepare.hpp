#pragma once
// Brings ior's tables into being, or up to this version's schema, on one
// server or on every shard of a cluster (schema_upgrade.hpp has the rules):
//
//  1. looks at every server first and refuses (throws, before changing
//     anything anywhere) a row table that no upgrade can fix;
//  2. adds the missing columns to the tables that store the rows;
//  3. runs the CREATE ... IF NOT EXISTS statements (what is missing);
//  4. with a cluster, adds the missing columns to the Distributed tables,
//     only now, because a Distributed table that has a column before its
//     shards fails every read and write (seen on 18.16);
//  5. checks every row table again (structure_difference) and compares the
//     views' tables with this version's definition (reported, not changed).

#include <string>
#include <vector>

#include "clickhouse/client/connection.hpp"
#include "clickhouse/schema_ddl.hpp"

namespace ior::clickhouse {

struct TablesReport {
  bool created = false;               ///< the row table did not exist on any server
  std::vector<std::string> upgraded;  ///< "added columns a, b to db.t" (" on host:port, ..." with several servers)
  std::vector<std::string> notes;     ///< views whose tables differ from this version's, left as they are
};

/// servers: the one server, or every shard to prepare when schema.cluster is
/// set (each then gets the statements without ON CLUSTER). Throws ior::Error
/// "clickhouse: <difference and fix>; nothing written" for a table that
/// cannot hold ior's rows, or when a change did not take.
TablesReport prepare_tables(const std::vector<Connection*>& servers, const SchemaOptions& schema);

}  // namespace ior::clickhouse
