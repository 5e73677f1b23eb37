#pragma once
// The threads behind the ring-buffer reader yield to it.
//
// When the host's cores are all busy, the thread that drains the kernel's
// ring buffer must keep up: a record it is late for is lost in the kernel,
// uncounted by any sink and unrecoverable. The sinks' threads (and the
// ClickHouse senders) run at a lower scheduling priority, so that under
// contention a sink falls behind first, where its queue, spool and counters
// account for every row (docs/ARCHITECTURE.md, the data flow).

namespace ior {

/// How much nicer than the reader a sink's thread runs: nice +5 weighs a
/// third of nice 0 in the Linux scheduler.
inline constexpr int kSinkThreadNiceness = 5;

/// Lowers the calling thread's priority by kSinkThreadNiceness (Linux nice
/// values are per thread). Best effort: a failure leaves it as it was.
void yield_to_the_ring_reader() noexcept;

}  // namespace ior
