#pragma once
// The container a cgroup path belongs to, from the names container runtimes
// give their cgroups (docs/ARCHITECTURE.md, "Who did it"):
//   Docker            /docker/<id>, /system.slice/docker-<id>.scope
//   containerd (K8s)  .../kubepods-...-pod<uid>.slice/cri-containerd-<id>.scope,
//                     /kubepods/<qos>/pod<uid>/<id>
//   CRI-O             .../crio-<id>.scope
//   Podman            /machine.slice/libpod-<id>.scope[/container], /libpod_parent/libpod-<id>
// <id> is 64 hex digits. The innermost match wins (a container in a
// container is the inner one); the runtimes' monitors (crio-conmon-<id>,
// libpod-conmon-<id>) are not the container and give no id.

#include <string_view>

namespace ior::event {

/// The 64-hex-digit container id in cgroup_path, or "" (a view into cgroup_path).
std::string_view container_id_of(std::string_view cgroup_path);

}  // namespace ior::event
