#pragma once
// What must be true before BPF programs can load, checked up front so the
// user gets one line naming what is missing and how to fix it, not a libbpf
// error code.


namespace ior::trace {

/// Checks privileges and kernel BTF (the programs attach to BTF-typed raw
/// tracepoints, so tracefs is not needed). Throws ior::Error.
void preflight();

}  // namespace ior::trace
