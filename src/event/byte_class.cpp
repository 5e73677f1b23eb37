#include "event/byte_class.hpp"

#include "event/syscall_table.hpp"

namespace ior::event {

schema::ByteClass byte_class_of(std::uint16_t id) {
  switch (syscall_info(id).ret) {
    case RetKind::kRead: return schema::ByteClass::kRead;
    case RetKind::kWrite: return schema::ByteClass::kWrite;
    case RetKind::kTransfer: return schema::ByteClass::kTransfer;
    default: return schema::ByteClass::kNone;
  }
}

}  // namespace ior::event
