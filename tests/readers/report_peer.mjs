// For bench/report_vs_duckdb.sh: DuckDB computes what `ior report` prints
// for a recording (syscalls by count with total time and p50/p90/p99, files
// by total time and by bytes, processes by total time; top 10 each) from
// the Parquet file; prints wall and CPU seconds of the queries only.
//   node report_peer.mjs FILE.parquet THREADS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await db.connect();
const src = `read_parquet('${file}')`;
const queries = [
  `SELECT syscall_name, count(*) AS calls, sum(duration_ns) AS total,
          quantile_disc(duration_ns, [0.5, 0.9, 0.99]) AS q
     FROM ${src} GROUP BY trace_id, syscall_name ORDER BY calls DESC LIMIT 10`,
  // A row's file (a rename's: its old name), and a transfer's second file.
  `SELECT f, count(*) AS calls, sum(duration_ns) AS total,
          sum(bytes) FILTER (WHERE byte_class = 'read') AS r, sum(bytes) FILTER (WHERE byte_class = 'write') AS w,
          sum(bytes) AS b
     FROM (SELECT coalesce(nullif(filename, ''), nullif(pathname, ''), oldname) AS f, duration_ns, bytes, byte_class
             FROM ${src}
           UNION ALL
           SELECT filename2, duration_ns, bytes, byte_class FROM ${src}
            WHERE byte_class = 'transfer' AND filename2 <> '' AND filename2 <> coalesce(nullif(filename, ''), pathname))
    WHERE f <> '' GROUP BY f ORDER BY total DESC LIMIT 10`,
  `SELECT pid, any_value(comm), count(*) AS calls, sum(duration_ns) AS total
     FROM ${src} GROUP BY pid ORDER BY total DESC LIMIT 10`,
];
// One statement, so DuckDB reads the file once, as ior does.
const sql = `WITH t AS MATERIALIZED (SELECT trace_id, syscall_name, duration_ns, filename, pathname, oldname, filename2,
                                          bytes, byte_class, pid, comm FROM ${src})
  SELECT (SELECT list(x) FROM (${queries[0].replaceAll(src, 't')}) x) AS syscalls,
         (SELECT list(x) FROM (${queries[1].replaceAll(src, 't')}) x) AS files,
         (SELECT list(x) FROM (${queries[2].replaceAll(src, 't')}) x) AS procs`;
const c0 = process.cpuUsage();
const w0 = process.hrtime.bigint();
const reader = await conn.runAndReadAll(sql);
reader.getRows();
const wall = Number(process.hrtime.bigint() - w0) / 1e9;
const c = process.cpuUsage(c0);
console.log(`wall_s ${wall.toFixed(3)} cpu_s ${((c.user + c.system) / 1e6).toFixed(3)}`);
