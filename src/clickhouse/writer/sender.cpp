#include "clickhouse/writer/sender.hpp"

#include <algorithm>

#include "base/alt_signal_stack.hpp"
#include "base/thread_priority.hpp"
#include "base/error.hpp"
#include "clickhouse/protocol/server_exception.hpp"
#include "clickhouse/setup_refused.hpp"

namespace ior::clickhouse::writer {

StreamWriter::Sender::Sender(StreamWriter& writer, std::size_t index)
    : w_(writer),
      host_((writer.options_.first_host + (writer.options_.spread_hosts ? index : 0)) % writer.options_.hosts.size()),
      per_insert_(std::max<std::size_t>(1, writer.options_.insert_rows / writer.options_.batch_rows)),
      // Each connection's open INSERT holds at most its share of the memory
      // budget, one share left for the queue: the INSERTs never hold all of
      // it while new batches wait (a part per batch would cost 3x: ARCHITECTURE.md).
      share_(writer.options_.memory_bytes / (writer.options_.connections + 1)),
      index_(index),
      backoff_(writer.options_.backoff_min) {}

StreamWriter::Sender::~Sender() { count_connection(false); }

void StreamWriter::Sender::count_connection(bool open) {
  if (open == counted_) return;
  counted_ = open;
  std::lock_guard lock(w_.mu_);
  if (open) {
    ++w_.stats_.connections_open;
  } else {
    --w_.stats_.connections_open;
  }
}

void StreamWriter::Sender::disconnect() {
  conn_.reset();
  count_connection(false);
}

std::size_t StreamWriter::Sender::open_bytes() const {
  std::size_t n = 0;
  for (const auto& b : open_) n += b.bytes;
  return n;
}

void StreamWriter::Sender::run() {
  const AltSignalStack alt_stack;  // a crash handler runs even on a stack overflow
  yield_to_the_ring_reader();
  for (;;) {
    // A refused setup happens before any INSERT (it runs until the schema
    // is ready), so nothing is open here: the batches wait for close().
    if (w_.refused() && open_.empty() && !held_) return;
    if (held_) {
      if (w_.gave_up()) return abandon_open();
      resend_held();
      continue;
    }
    bool stop = false;
    // With an INSERT open, wait only as long as the flush interval allows.
    auto batch = w_.next_batch(open_.empty() ? std::chrono::milliseconds(200) : w_.options_.flush_interval, &stop);
    if (!batch) {
      if (w_.gave_up()) return abandon_open();
      // Stop only when the open INSERT was acknowledged: a failed one put
      // its batches back, which this sender must still deliver.
      if (finish() && stop) return;
      continue;
    }
    if (batch->maybe_stored) {
      // Checked alone, outside any open INSERT, before it may join one.
      bool stored = false;
      if (!finish() || !check_stored(*batch, &stored)) {
        w_.put_back(std::move(*batch));
        continue;
      }
      if (stored) {
        w_.acknowledge(*batch, host_, true);
        continue;
      }
    }
    if (send(std::move(*batch)) && (open_.size() >= per_insert_ || open_bytes() >= share_)) finish();
  }
}

template <class Exchange>
bool StreamWriter::Sender::attempt(Exchange&& exchange) {
  try {
    exchange();
    return true;
  } catch (const protocol::ServerException& e) {
    fail(e.what(), true);
  } catch (const Error& e) {
    fail(e.what(), false);
  }
  return false;
}

bool StreamWriter::Sender::check_stored(Batch& batch, bool* stored) {
  std::optional<bool> found;
  if (!attempt([&] {
        ensure_connected();
        batch.with_block([&](const columns::Block& block) { found = w_.already_stored(*conn_, block); });
      })) {
    return false;
  }
  if (!found) {
    w_.pause(std::chrono::milliseconds(200));  // the INSERT it may be in still runs: ask again later
    return false;
  }
  *stored = *found;
  if (*stored) {
    std::lock_guard lock(w_.mu_);
    ++w_.stats_.duplicates_avoided;
  } else {
    batch.maybe_stored = false;
  }
  return true;
}

bool StreamWriter::Sender::send(Batch&& batch) {
  bool joined = false;
  bool sent = attempt([&] {
    ensure_connected();
    if (open_.empty()) {
      token_ = w_.token_prefix_ + std::to_string(index_) + "-" + std::to_string(++inserts_);
      {
        std::lock_guard lock(w_.mu_);
        w_.open_inserts_.insert(token_);
      }
      conn_->begin_insert(w_.options_.insert_sql, insert_query());
    }
    open_.push_back(std::move(batch));
    joined = true;
    send_kept(open_.back());
  });
  if (!sent && !joined) w_.put_back(std::move(batch));
  return sent;
}

void StreamWriter::Sender::send_kept(Batch& batch) {
  if (batch.encoded()) {
    conn_->send_encoded(batch.sent);
    return;
  }
  protocol::EncodedBlock sent;
  conn_->send_block(batch.block(), &sent);
  w_.keep_encoded(batch, std::move(sent));
}

QueryOptions StreamWriter::Sender::insert_query() const {
  QueryOptions q;
  q.settings = w_.options_.insert_settings;
  // A resent INSERT takes a new id: the server refuses an id still running.
  q.query_id = token_ + (held_ ? "-r" + std::to_string(resends_) : std::string());
  // Important: a server that ignored it would store a resent INSERT twice.
  if (w_.options_.dedup_tokens) q.settings.push_back({"insert_deduplication_token", token_, true});
  return q;
}

bool StreamWriter::Sender::resend_held() {
  ++resends_;
  bool sent = attempt([&] {
    ensure_connected();
    conn_->begin_insert(w_.options_.insert_sql, insert_query());
    for (auto& b : open_) send_kept(b);
    conn_->end_insert();
  });
  if (!sent) return false;
  {
    std::lock_guard lock(w_.mu_);
    ++w_.stats_.inserts_resent;
  }
  held_ = false;
  acknowledge_open();
  return true;
}

bool StreamWriter::Sender::finish() {
  if (open_.empty()) return true;
  if (!attempt([&] { conn_->end_insert(); })) return false;
  acknowledge_open();
  return true;
}

void StreamWriter::Sender::forget_open_insert() {
  std::lock_guard lock(w_.mu_);
  w_.open_inserts_.erase(token_);
}

void StreamWriter::Sender::acknowledge_open() {
  forget_open_insert();
  for (auto& b : open_) w_.acknowledge(b, host_);
  open_.clear();
  backoff_ = w_.options_.backoff_min;
}

void StreamWriter::Sender::abandon_open() {
  // close() ran out of time: the open (or held) INSERT is abandoned with its
  // connection; its batches go back to be spooled, marked maybe stored, and
  // are looked for before they are sent again.
  if (conn_) conn_->abandon_insert();
  held_ = false;
  put_back_open(true);
}

void StreamWriter::Sender::put_back_open(bool maybe_stored) {
  forget_open_insert();
  for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
    it->maybe_stored = maybe_stored;
    w_.put_back(std::move(*it));
  }
  open_.clear();
}

void StreamWriter::Sender::fail(const std::string& what, bool refused) {
  {
    std::lock_guard lock(w_.mu_);
    ++w_.stats_.insert_errors;
    w_.stats_.last_error = what;
    w_.last_failure_ = std::chrono::steady_clock::now();
    w_.stats_.failing = true;
    if (w_.options_.dedup_tokens && !open_.empty()) w_.stats_.batches_retried += open_.size();
  }
  // With a token, refused or lost alike: the server may have stored some of
  // the INSERT's blocks before it failed, and drops them when it sees them
  // again under the same token.
  // Without one, every batch of it is looked for before it is sent again:
  // a refusal does not prove that nothing was stored (a block written
  // before the failure, a materialized view failing after the table's part).
  if (w_.options_.dedup_tokens && !open_.empty()) {
    held_ = true;
  } else {
    put_back_open(true);
  }
  // A refusal on a connection that still works keeps it, when there is no
  // other host; with several, the next one may take what this one refuses
  // (its database or table missing, too many parts), so it is tried next.
  if (!refused || (conn_ && conn_->broken()) || w_.options_.hosts.size() > 1) {
    disconnect();
    host_ = (host_ + 1) % w_.options_.hosts.size();
  }
  w_.pause(backoff_);
  backoff_ = std::min(backoff_ * 2, w_.options_.backoff_max);
}

void StreamWriter::Sender::ensure_connected() {
  if (conn_ && !conn_->broken()) return;
  disconnect();
  ClientOptions o = w_.options_.client;
  const HostPort& target = w_.options_.hosts[host_];
  o.host = target.host;
  if (target.port != 0) o.port = target.port;
  conn_ = std::make_unique<Connection>(o);
  if (w_.options_.on_connect) {
    try {
      w_.options_.on_connect(*conn_);
    } catch (const SetupRefused& e) {
      disconnect();
      w_.refuse(e.what());
      throw;
    } catch (...) {
      disconnect();  // the next attempt reconnects and runs it again
      throw;
    }
  }
  count_connection(true);
}

}  // namespace ior::clickhouse::writer
