#include "cli/run_identity.hpp"

#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"

namespace ior::cli {

schema::Uuid random_uuid() {
  schema::Uuid id{};
  std::size_t got = 0;
  while (got < id.size()) {
    ssize_t n = getrandom(id.data() + got, id.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError("getrandom", errno);
    }
    got += static_cast<std::size_t>(n);
  }
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return id;
}

std::string uuid_text(const schema::Uuid& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[id[i] >> 4]);
    out.push_back(kHex[id[i] & 0xf]);
  }
  return out;
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
