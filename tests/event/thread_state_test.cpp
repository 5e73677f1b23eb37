#include "event/thread_state.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

namespace ior::event {
namespace {

// comm_length replaces strnlen on every record: it must agree with it for
// every position of the first NUL, with any bytes after it and with bytes
// >= 0x80 (UTF-8 names) before it, which a signed or carry mistake breaks.
TEST(CommLength, AgreesWithStrnlenForEveryLengthAndTail) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(1, 255);
  for (int len = 0; len <= IOR_COMM_LEN; ++len) {
    for (int trial = 0; trial < 200; ++trial) {
      char comm[IOR_COMM_LEN];
      for (auto& c : comm) c = static_cast<char>(byte(rng));
      if (len < IOR_COMM_LEN) comm[len] = '\0';
      // Half the trials: the kernel's NUL padding; the others: garbage after the NUL.
      if (trial % 2 == 0) std::memset(comm + len, 0, static_cast<std::size_t>(IOR_COMM_LEN - len));
      ASSERT_EQ(comm_length(comm), strnlen(comm, sizeof comm)) << "len " << len << " trial " << trial;
    }
  }
}

TEST(CommLength, BytesJustAboveAndBelowZeroAreNotNuls) {
  char comm[IOR_COMM_LEN];
  std::memset(comm, 0x01, sizeof comm);
  EXPECT_EQ(comm_length(comm), 16);
  std::memset(comm, 0x80, sizeof comm);
  EXPECT_EQ(comm_length(comm), 16);
  std::memset(comm, 0xff, sizeof comm);
  comm[9] = '\0';
  EXPECT_EQ(comm_length(comm), 9);
  comm[8] = 0x01;
  comm[7] = '\0';
  EXPECT_EQ(comm_length(comm), 7);
}

}  // namespace
}  // namespace ior::event
