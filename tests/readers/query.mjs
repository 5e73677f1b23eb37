// Runs SQL in one of the independent readers and prints the result as JSON
// lines (one object per row), so C++ tests can compare what ior wrote.
//   node query.mjs chdb   "SELECT ... FROM file('x.parquet', Parquet)"
//   node query.mjs duckdb "SELECT ... FROM read_parquet('x.parquet')"
// Several statements for chdb: separate them with ";\n"; the last one's
// result is printed. Exit 1 with the reader's message on error.
import { DuckDBInstance } from '@duckdb/node-api';
import { Session } from 'chdb';

const [engine, sql] = process.argv.slice(2);

function printRows(rows) {
  for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
}

try {
  if (engine === 'chdb') {
    // One session (a temporary database directory) for all statements, so a
    // CREATE TABLE + INSERT + SELECT sequence works.
    const session = new Session();
    try {
      const statements = sql.split(';\n').filter((s) => s.trim() !== '');
      let out = '';
      for (const s of statements) out = session.query(s, 'JSONEachRow');
      process.stdout.write(out);
    } finally {
      session.cleanup();
    }
  } else if (engine === 'duckdb') {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const statements = sql.split(';\n').filter((s) => s.trim() !== '');
    let reader;
    for (const s of statements) reader = await conn.runAndReadAll(s);
    printRows(reader.getRowObjectsJson());
  } else {
    throw new Error(`unknown engine ${engine} (chdb, duckdb)`);
  }
} catch (e) {
  process.stderr.write(`${engine}: ${e.message}\n`);
  process.exit(1);
}
