// FileWriter::append copies a row into the column buffers without touching
// the heap once the buffers have grown (the first row group warms them up).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>

#include "parquet/file_writer.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace ior::parquet {
namespace {

TEST(AllocationTest, AppendingRowsAllocatesNothingAfterTheFirstRowGroup) {
  auto path = std::filesystem::temp_directory_path() / ("ior-alloc-" + std::to_string(getpid()) + ".parquet");
  WriterOptions o;
  o.row_group_rows = 1000;
  FileWriter w(path.string(), o);
  std::string names[] = {"/a/b/c", "/var/lib/data/file-1", std::string(4095, 'p'), ""};
  auto row = [&](std::uint64_t i) {
    schema::EventRow r;
    r.timestamp_ns = i;
    r.pid = static_cast<std::uint32_t>(i % 7);
    r.comm = i % 2 ? "worker" : "main";
    r.syscall_name = i % 3 ? "read" : "openat";
    r.filename = names[i % 4];
    r.pathname = names[(i + 1) % 4];
    r.hostname = "h";
    return r;
  };
  for (std::uint64_t i = 0; i < 2000; ++i) w.append(row(i));  // two row groups: warm
  ASSERT_EQ(w.rows_committed(), 2000u);
  counting = true;
  auto* probe = new std::string(100, 'x');  // the counter works
  counting = false;
  delete probe;
  ASSERT_GT(allocations.load(), 0u);
  allocations = 0;
  counting = true;
  for (std::uint64_t i = 0; i < 999; ++i) w.append(row(i));  // fills the third, no flush
  counting = false;
  EXPECT_EQ(allocations.load(), 0u);
  w.close();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace ior::parquet
