#include "event/name_table.hpp"

#include <cstring>
#include <new>

#include "base/keyed_hash.hpp"

namespace ior::event {

// The text follows the header in the same allocation.
struct SharedName::Node {
  NameTable* owner;
  std::uint64_t hash;
  std::uint32_t refs;
  std::uint32_t size;
  const char* text() const { return reinterpret_cast<const char*>(this + 1); }
  char* text() { return reinterpret_cast<char*>(this + 1); }
};

namespace {

// Set node (next pointer, value, cached hash) plus its bucket pointer and
// malloc's own header: what storing one more name costs besides its text.
constexpr std::size_t kOverhead = sizeof(SharedName::Node) + 3 * sizeof(void*) + 2 * sizeof(void*);

}  // namespace

std::string_view SharedName::view() const noexcept {
  return node_ == nullptr ? std::string_view() : std::string_view(node_->text(), node_->size);
}

void SharedName::retain() noexcept {
  if (node_ != nullptr) ++node_->refs;
}

void SharedName::release() noexcept {
  if (node_ != nullptr && --node_->refs == 0) node_->owner->erase(node_);
  node_ = nullptr;
}

std::size_t NameTable::NodeHash::operator()(const SharedName::Node* n) const noexcept { return n->hash; }

bool NameTable::NodeEq::operator()(const Probe& a, const SharedName::Node* b) const noexcept {
  return a.hash == b->hash && a.text.size() == b->size &&
         (b->size == 0 || std::memcmp(a.text.data(), b->text(), b->size) == 0);
}

std::size_t NameTable::cost(std::size_t size) { return size + kOverhead; }

NameTable::~NameTable() {
  // Every SharedName should be gone; whatever is left is freed, and a
  // reference still held would dangle, so none may outlive the table.
  for (SharedName::Node* n : nodes_) ::operator delete(n);
}

SharedName NameTable::intern(std::string_view text) {
  const Probe probe{text, keyed_hash(text)};
  if (auto it = nodes_.find(probe); it != nodes_.end()) return SharedName(*it);
  void* mem = ::operator new(sizeof(SharedName::Node) + text.size());
  auto* n = new (mem) SharedName::Node{this, probe.hash, 0, static_cast<std::uint32_t>(text.size())};
  if (!text.empty()) std::memcpy(n->text(), text.data(), text.size());
  try {
    nodes_.insert(n);
  } catch (...) {
    ::operator delete(mem);
    throw;
  }
  bytes_ += cost(text.size());
  return SharedName(n);
}

SharedName NameTable::find(std::string_view text) const {
  const Probe probe{text, keyed_hash(text)};
  auto it = nodes_.find(probe);
  return it != nodes_.end() ? SharedName(*it) : SharedName();
}

void NameTable::erase(SharedName::Node* n) noexcept {
  nodes_.erase(n);
  bytes_ -= cost(n->size);
  ::operator delete(n);
}

}  // namespace ior::event
