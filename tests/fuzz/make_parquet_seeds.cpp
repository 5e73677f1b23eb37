// Writes seed inputs for fuzz_parquet_reader: small files of ior's writer
// (each codec; dictionary and PLAIN string chunks; several row groups) so
// the fuzzer starts from valid footers and pages and mutates from there.

#include <iostream>
#include <string>

#include "parquet/file_writer.hpp"

int main(int argc, char** argv) {
  using namespace ior::parquet;
  if (argc != 2) {
    std::cerr << "usage: make_parquet_seeds DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  int n = 0;
  for (auto codec : {Compression::kZstd, Compression::kSnappy, Compression::kNone}) {
    for (std::size_t dict_limit : {std::size_t{1} << 20, std::size_t{64}}) {
      WriterOptions o;
      o.compression = codec;
      o.row_group_rows = 7;
      o.data_page_bytes = 64;
      o.dictionary_limit_bytes = dict_limit;
      FileWriter w(dir + "/seed" + std::to_string(n++) + ".parquet", o);
      for (std::uint32_t i = 0; i < 20; ++i) {
        ior::schema::EventRow r;
        std::string file = "/data/f" + std::to_string(i % 4);
        r.timestamp_ns = 1'000'000 + i;
        r.pid = 100 + i % 3;
        r.comm = "w";
        r.syscall_name = i % 2 ? "read" : "openat";
        r.filename = file;
        r.duration_ns = i * 10;
        w.append(r);
      }
      w.close();
    }
  }
  return 0;
}
