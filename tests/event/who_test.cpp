// Who made each syscall: the ids, parent and cgroup of the enter record reach
// the row; -container keeps the rows whose container id starts with its value.
#include <gtest/gtest.h>

#include "event/row_filter.hpp"
#include "pipeline_fixture.hpp"

namespace ior::event {
namespace {

class WhoTest : public PipelineTest {
 protected:
  WhoTest() {
    PipelineOptions o;
    o.cgroups.mount_point = "-";
    make_pipeline(std::move(o));
  }

  void syscall_as(std::uint32_t uid, std::uint32_t gid, std::uint32_t ppid, std::uint64_t cgroup_id) {
    testing::EnterSpec e = testing::spec(IOR_SC_fsync, kPid, kTid, clock_);
    e.args = {3, 0, 0};
    e.uid = uid;
    e.gid = gid;
    e.ppid = ppid;
    e.cgroup_id = cgroup_id;
    syscall_of(e, 0);
  }
};

TEST_F(WhoTest, TheEnterRecordsIdsParentAndCgroupReachTheRow) {
  syscall_as(1000, 100, 1, 4242);
  EXPECT_EQ(last().row.uid, 1000u);
  EXPECT_EQ(last().row.gid, 100u);
  EXPECT_EQ(last().row.ppid, 1u);
  EXPECT_EQ(last().row.cgroup_id, 4242u);
  EXPECT_EQ(last().cgroup, "") << "no cgroup2 here: the path is unknown";
  EXPECT_EQ(last().container_id, "");
  // Each syscall says who made it: a setuid, a move to another cgroup, a
  // reparenting between two syscalls of the same thread show at once.
  syscall_as(0, 0, 77, 5151);
  EXPECT_EQ(last().row.uid, 0u);
  EXPECT_EQ(last().row.ppid, 77u);
  EXPECT_EQ(last().row.cgroup_id, 5151u);
}

schema::EventRow in_container(std::string_view id) {
  schema::EventRow r;
  r.container_id = id;
  return r;
}

TEST(ContainerFilter, KeepsTheRowsWhoseContainerIdStartsWithTheValue) {
  const std::string id = "3f4e9c1d2b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a1908f7e6d";
  RowFilterOptions prefix;
  prefix.container = "3f4e9c1d2b7a";
  RowFilter f(prefix);
  EXPECT_TRUE(f.keeps(in_container(id)));
  EXPECT_FALSE(f.keeps(in_container("0123" + id.substr(4))));
  EXPECT_FALSE(f.keeps(in_container(""))) << "a host process is in no container";
  EXPECT_EQ(f.judge(in_container("")), FilterVerdict::kNoMatch);
  RowFilterOptions full;
  full.container = id;
  RowFilter whole(full);
  EXPECT_TRUE(whole.keeps(in_container(id)));
  EXPECT_TRUE(RowFilter(RowFilterOptions{}).keeps(in_container(""))) << "no -container: every row";
}

}  // namespace
}  // namespace ior::event
