#pragma once
// Every file ior writes outside the ClickHouse spool is created through this.
//
// ior runs as root and writes into directories other users may write too
// (/tmp, a shared project directory), at names they can predict. Opening the
// final name with O_CREAT|O_TRUNC follows a symbolic link planted there and
// overwrites whatever it points to. So an output is:
//   1. created next to its final name under an unpredictable temporary name
//      ".NAME.<16 random hex digits>.tmp" with O_CREAT|O_EXCL|O_NOFOLLOW
//      (a link planted at any name is never opened), mode 0600 (it holds
//      every user's file activity);
//   2. written, fsync'ed (durable outputs);
//   3. renamed onto its final name: rename(2) replaces a link there, it never
//      follows it. Without kReplace the rename refuses to replace anything
//      (RENAME_NOREPLACE), so a name taken while ior ran is not clobbered.
// A name that is already taken is refused at construction (before tracing)
// unless kReplace; the temporary file is removed on every failure path
// except one: when only the final rename fails, the complete file is kept
// under its temporary name and the error says where (no rows are lost).

#include <functional>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "base/unique_fd.hpp"

namespace ior {

/// What to do when the final name is taken by a file or a symbolic link (even
/// one pointing nowhere). Any other kind (directory, device, pipe, socket)
/// is refused either way.
enum class ExistingOutput {
  kRefuse,            ///< refused at creation, and not replaced at the rename
  kRefuseAtRename,    ///< not checked at creation; not replaced at the rename
                      ///< (for a file that must not fail half way through a run)
  kReplace,           ///< replaced at the rename (-force)
};

struct OutputOptions {
  std::string label;  ///< message prefix: "parquet" -> "parquet: cannot create ..."
  ExistingOutput existing = ExistingOutput::kRefuse;
  bool durable = true;  ///< fsync the file before and its directory after the rename
};

/// The complete file could not be renamed to its final name; it stays under
/// its temporary name, kept_path().
class OutputNotPlaced : public Error {
 public:
  OutputNotPlaced(const std::string& what, int err, std::string kept_path)
      : Error(what), errno_(err), kept_path_(std::move(kept_path)) {}
  int code() const noexcept { return errno_; }
  const std::string& kept_path() const noexcept { return kept_path_; }

 private:
  int errno_;
  std::string kept_path_;
};

/// Throws Error when path cannot become an output under options: the name is
/// taken (without kReplace), is neither a file nor a link, or is no file name; SystemError
/// when its directory cannot be opened. Follows no link at the final name.
/// For outputs written only at the end of a run, checked before tracing.
void check_output_path(const std::string& path, const OutputOptions& options);

class OutputFile {
 public:
  /// Temporary-name suffixes; the default draws 16 hex digits from getrandom.
  using SuffixSource = std::function<std::string()>;

  /// Checks the name (check_output_path) and creates the temporary file.
  /// Throws Error or SystemError naming path; leaves nothing behind.
  OutputFile(std::string path, OutputOptions options, SuffixSource suffixes = {});
  /// Removes the temporary file unless it was placed or kept.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// The temporary file's descriptor (write, ftruncate, lseek); -1 once done.
  int fd() const noexcept { return fd_.get(); }
  const std::string& path() const noexcept { return path_; }
  const std::string& temp_path() const noexcept { return temp_path_; }
  /// False once committed or discarded.
  bool open() const noexcept { return static_cast<bool>(fd_); }

  /// All of bytes at the current offset; throws SystemError naming path.
  void write(std::string_view bytes);
  /// fsync (durable), close, rename onto path, fsync the directory. Throws
  /// SystemError when the file could not be completed (it is removed), or
  /// OutputNotPlaced when only the rename failed (it is kept).
  void commit();
  /// Closes and removes the temporary file (the final name is untouched).
  void discard() noexcept;

 private:
  int place() noexcept;  // the rename; errno or 0
  /// The temporary name is no longer the output's to remove (gone, placed
  /// or kept): off the list of unfinished files (base/unfinished_files.hpp).
  void temp_gone() noexcept;

  std::string path_;
  OutputOptions options_;
  std::string name_;       // final name inside the directory
  std::string temp_name_;  // temporary name inside the directory
  std::string temp_path_;
  UniqueFd dir_;
  UniqueFd fd_;
  bool temp_exists_ = false;
};

/// One-shot: bytes into a new output file at path (OutputFile + commit).
void write_output_file(const std::string& path, std::string_view bytes, const OutputOptions& options);

}  // namespace ior
