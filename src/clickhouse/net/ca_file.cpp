#include "clickhouse/net/ca_file.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "base/error.hpp"

namespace ior::clickhouse::net {

void check_ca_file(const std::string& path) {
  // OpenSSL reports an unreadable file as "system lib"; say why ourselves.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  if (!regular) throw Error(path + " is not a regular file");
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx) throw Error("cannot create a TLS context to load " + path);
  ERR_clear_error();
  if (SSL_CTX_load_verify_locations(ctx.get(), path.c_str(), nullptr) != 1) {
    const unsigned long e = ERR_get_error();
    char reason[256] = "unknown error";
    if (e != 0) ERR_error_string_n(e, reason, sizeof reason);
    ERR_clear_error();
    throw Error(path + " holds no PEM certificate to trust (" + reason + ")");
  }
}

}  // namespace ior::clickhouse::net
