#pragma once
// Which files `ior report` reads: each argument is a file, a glob pattern
// (expanded by ior, so a quoted pattern works too; sorted with numbers in
// their order, so that NAME.10.parquet comes after NAME.9.parquet),
// or the base name of a rotated set: NAME.parquet that does not exist while
// some NAME.<n>.parquet do stands for all of them, in order (a missing
// number is said, and the files after it are read).
//
// Rotated files often sit in a directory other users may write to (/tmp):
// a name ior found there itself (a glob match, a rotated file) may be a
// link planted by one of them, so it is opened without following links.
// A file named on the command line is the user's choice and is read even
// through a link, as cat reads it.

#include <string>
#include <vector>

#include "parquet/reader/byte_source.hpp"

namespace ior::cli {

struct ReportInput {
  std::string path;
  /// kRefuse for names ior found (glob matches, rotated files).
  parquet::reader::Symlinks symlinks = parquet::reader::Symlinks::kFollow;
  /// The NAME.parquet a rotated set was found from; empty otherwise. Its
  /// files are one run's: a NAME.<n>.parquet of another run (an earlier,
  /// longer one, whose higher numbers -force left) is not part of it.
  std::string rotated_set;
};

/// Throws UsageError naming an argument that matches nothing. notes: a
/// line for each rotated set with numbers missing below its highest.
std::vector<ReportInput> expand_report_inputs(const std::vector<std::string>& args,
                                              std::vector<std::string>* notes = nullptr);

}  // namespace ior::cli
