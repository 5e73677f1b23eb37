#include "event/byte_class.hpp"

namespace ior::event {

schema::ByteClass byte_class_of(const SyscallInfo& info) {
  switch (info.ret) {
    case RetKind::kRead: return schema::ByteClass::kRead;
    case RetKind::kWrite: return schema::ByteClass::kWrite;
    case RetKind::kTransfer: return schema::ByteClass::kTransfer;
    default: return schema::ByteClass::kNone;
  }
}

}  // namespace ior::event
