// For bench/parquet_vs_peers.sh: loads the source rows into memory in chDB or
// DuckDB, then times only their Parquet writer (ZSTD, given row-group size):
// prints wall and CPU seconds (this process: both run in-process) and bytes.
//   node write_parquet_peer.mjs chdb|duckdb SOURCE.parquet OUT.parquet ROWGROUP
import { statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { Session } from 'chdb';

const [engine, src, out, rowGroup] = process.argv.slice(2);

function timed(fn) {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  return Promise.resolve(fn()).then(() => {
    const wall = Number(process.hrtime.bigint() - w0) / 1e9;
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1e6 };
  });
}

let t;
if (engine === 'chdb') {
  const s = new Session();
  s.query(`CREATE TABLE t ENGINE = Memory AS SELECT * FROM file('${src}', Parquet)`);
  t = await timed(() =>
    s.query(`INSERT INTO FUNCTION file('${out}', Parquet) SELECT * FROM t SETTINGS ` +
            `output_format_parquet_compression_method = 'zstd', ` +
            `output_format_parquet_row_group_size = ${rowGroup}, engine_file_truncate_on_insert = 1`));
  s.cleanup();
} else {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${src}')`);
  t = await timed(() =>
    conn.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowGroup})`));
}
console.log(`wall_s ${t.wall.toFixed(3)} cpu_s ${t.cpu.toFixed(3)} bytes ${statSync(out).size}`);
