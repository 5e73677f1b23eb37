#include "cli/run_identity.hpp"

#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/random_bytes.hpp"

namespace ior::cli {

schema::Uuid random_uuid() {
  schema::Uuid id{};
  random_bytes(id);
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return id;
}

RunIdentity make_run_identity() {
  RunIdentity r;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) r.hostname = host;
  r.collection_id = random_uuid();
  struct utsname u {};
  if (uname(&u) == 0) r.kernel = u.release;
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  r.start_unix_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
                    static_cast<std::uint64_t>(ts.tv_nsec);
  return r;
}

}  // namespace ior::cli
