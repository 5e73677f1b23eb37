// Container ids from the cgroup paths the runtimes create, as
// /proc/PID/cgroup shows them on hosts running each runtime.
#include "event/container_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ior::event {
namespace {

const std::string kId = "3f4e9c1d2b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a1908f7e6d";
const std::string kOuter = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kPod = "4f3b9a9e_7c4d_4b2a_9f0e_1a2b3c4d5e6f";
const std::string kPodDashes = "4f3b9a9e-7c4d-4b2a-9f0e-1a2b3c4d5e6f";

TEST(ContainerId, EachRuntimesCgroupPathGivesTheContainersId) {
  const std::string paths[] = {
      // Docker, cgroupfs driver (cgroup v1 and v2 alike)
      "/docker/" + kId,
      // Docker, systemd driver; rootless Docker under the user's manager
      "/system.slice/docker-" + kId + ".scope",
      "/user.slice/user-1000.slice/user@1000.service/docker-" + kId + ".scope",
      // Kubernetes with containerd, systemd driver: burstable, besteffort, guaranteed pods
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kPod + ".slice/cri-containerd-" + kId +
          ".scope",
      "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPod + ".slice/cri-containerd-" + kId +
          ".scope",
      "/kubepods.slice/kubepods-pod" + kPod + ".slice/cri-containerd-" + kId + ".scope",
      // Kubernetes, cgroupfs driver (containerd or dockershim)
      "/kubepods/burstable/pod" + kPodDashes + "/" + kId,
      "/kubepods/pod" + kPodDashes + "/" + kId,
      // CRI-O
      "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPod + ".slice/crio-" + kId + ".scope",
      // Podman: rootful and rootless with systemd (the payload in a "container" child), cgroupfs manager
      "/machine.slice/libpod-" + kId + ".scope",
      "/machine.slice/libpod-" + kId + ".scope/container",
      "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope/container",
      "/libpod_parent/libpod-" + kId,
      // containerd's own systemd scopes (nerdctl and others)
      "/system.slice/containerd-" + kId + ".scope",
      // Kubernetes in Docker (kind): the inner container, not the node's
      "/docker/" + kOuter + "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
          "kubelet-kubepods-besteffort-pod" + kPod + ".slice/cri-containerd-" + kId + ".scope",
      "/docker/" + kOuter + "/docker/" + kId,
  };
  for (const auto& p : paths) EXPECT_EQ(container_id_of(p), kId) << p;
}

TEST(ContainerId, HostCgroupsMonitorsAndLookAlikesGiveNone) {
  const std::string paths[] = {
      "",
      "/",
      "/init.scope",
      "/user.slice/user-0.slice/session-3.scope",
      "/system.slice/docker.service",
      "/system.slice/containerd.service",
      "/system.slice/crio.service",
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kPod + ".slice",  // the pod, no container
      "/kubepods/burstable/pod" + kPodDashes,
      // the runtimes' monitors run beside the container, not in it
      "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPod + ".slice/crio-conmon-" + kId +
          ".scope",
      "/machine.slice/libpod-conmon-" + kId + ".scope",
      // not 64 lower-case hex digits
      "/docker/" + kId.substr(1),
      "/docker/" + kId + "0",
      "/docker/3F4E9C1D2B7A6F5E4D3C2B1A09F8E7D6C5B4A3928170F6E5D4C3B2A1908F7E6D",
      "/system.slice/docker-" + kId.substr(0, 12) + ".scope",
      "/system.slice/mydocker-" + kId + ".scope",
      "/system.slice/docker-" + kId + ".service",
  };
  for (const auto& p : paths) EXPECT_EQ(container_id_of(p), "") << p;
}

}  // namespace
}  // namespace ior::event
