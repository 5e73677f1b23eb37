#include "clickhouse/writer/stream_writer.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "base/random_bytes.hpp"
#include "clickhouse/client/connection.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/net/cancellation.hpp"
#include "clickhouse/writer/sender.hpp"
#include "clickhouse/writer/stored_check.hpp"

namespace ior::clickhouse::writer {

using Clock = std::chrono::steady_clock;

StreamWriter::StreamWriter(WriterOptions options) : options_(std::move(options)) {
  if (options_.hosts.empty()) throw UsageError("clickhouse: no host given");
  if (options_.batch_rows == 0) throw UsageError("clickhouse: the batch size must be at least 1 row");
  options_.connections = std::max<std::size_t>(options_.connections, 1);
  // Every INSERT is named (query_id, and the deduplication token when the
  // server keeps them) so that one whose outcome is unknown can be found
  // still running on the server.
  token_prefix_ = "ior-" + random_hex(8) + "-";
  stats_.rows_by_host.assign(options_.hosts.size(), 0);
  if (!options_.spool_dir.empty()) spool_ = std::make_unique<Spool>(options_.spool_dir, options_.spool_max_bytes);
  abandon_ = std::make_shared<net::Cancellation>();
  options_.client.abandon = abandon_;
  for (std::size_t i = 0; i < options_.connections; ++i) {
    senders_.emplace_back([this, i] { Sender(*this, i).run(); });
  }
}

StreamWriter::~StreamWriter() { close(std::chrono::milliseconds(0)); }

std::unique_ptr<EventBlock> StreamWriter::take_block() {
  {
    std::lock_guard lock(mu_);
    if (!free_blocks_.empty()) {
      auto b = std::move(free_blocks_.back());
      free_blocks_.pop_back();
      return b;
    }
  }
  auto b = std::make_unique<EventBlock>();
  b->reserve(options_.batch_rows);
  return b;
}

void StreamWriter::recycle(std::unique_ptr<EventBlock> block) {
  if (!block) return;
  block->clear();
  std::lock_guard lock(mu_);
  // A few for the next batches; more would only hold memory the budget
  // no longer counts.
  if (free_blocks_.size() < 2) free_blocks_.push_back(std::move(block));
}

void StreamWriter::append(const schema::EventRow& row, const schema::RowRepeats& repeats) {
  if (!current_) {
    current_ = take_block();
    current_started_ = options_.now();
  }
  current_->append(row, repeats);
  if (current_->rows() >= options_.batch_rows) submit_current();
}

void StreamWriter::tick() {
  if (current_ && current_->rows() > 0 && options_.now() - current_started_ >= options_.flush_interval) {
    submit_current();
  }
}

bool StreamWriter::fits_locked(std::size_t bytes) const {
  // One batch always fits: a budget smaller than a batch must not stop all sending.
  return memory_bytes_ == 0 || memory_bytes_ + bytes <= options_.memory_bytes;
}

bool StreamWriter::servers_taking_locked() const {
  // A stopped server fails nothing until a timeout: only acknowledgements
  // that keep coming prove that memory will free soon.
  return last_failure_ <= last_ack_ && Clock::now() - last_ack_ < std::chrono::seconds(1);
}

bool StreamWriter::caller_may_wait() const { return !options_.caller_may_wait || options_.caller_may_wait(); }

bool StreamWriter::cancelled() const { return options_.client.cancel && options_.client.cancel->cancelled(); }

bool StreamWriter::gave_up() const {
  std::lock_guard lock(mu_);
  return give_up_;
}

void StreamWriter::refuse(const std::string& why) {
  std::lock_guard lock(mu_);
  if (stats_.refused.empty()) stats_.refused = why;
  queue_changed_.notify_all();
}

bool StreamWriter::refused() const {
  std::lock_guard lock(mu_);
  return !stats_.refused.empty();
}

bool StreamWriter::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !queue_changed_.wait_for(lock, d, [this] { return give_up_; });
}

void StreamWriter::submit_current() {
  if (!current_ || current_->rows() == 0) return;
  Batch batch;
  batch.bytes = current_->bytes();
  batch.rows = std::move(current_);
  std::size_t n = batch.size();
  std::unique_lock lock(mu_);
  stats_.rows_accepted += n;
  // While the servers take batches, memory frees as fast as they store:
  // wait for it a little (a busy server is not an outage) rather than write
  // the batch to disk and read it back. Once per congestion only: while
  // batches wait here the sink's queue in front fills at the traced rate,
  // and a wait per batch would make it drop rows that the spool could hold
  // (seen: 757 526 rows "queue full" with 16 MiB queues, 2 s per batch),
  // and only while that queue has room: at 350 000 rows/s a 500 ms wait
  // filled the 32 MiB queue (1 011 737 rows "queue full", 0 spooled).
  const auto patience = Clock::now() + std::chrono::milliseconds(500);
  for (;;) {
    if (fits_locked(batch.bytes)) {
      spilling_ = false;
      memory_bytes_ += batch.bytes;
      queue_.push_back(std::move(batch));
      queue_changed_.notify_one();
      return;
    }
    if (!spilling_ && servers_taking_locked() && !closing_ && !stop_requested_ && Clock::now() < patience &&
        caller_may_wait()) {
      // Short slices: the queue in front fills while this thread waits.
      queue_changed_.wait_until(lock, std::min(patience, Clock::now() + std::chrono::milliseconds(10)));
      continue;
    }
    spilling_ = true;  // until a batch fits again
    if (spool_) {
      lock.unlock();
      bool spooled = try_spool(batch);
      lock.lock();
      if (spooled) return;
    }
    if (options_.on_full == OnFull::kDrop || closing_ || stop_requested_) {
      stats_.rows_dropped += n;
      return;
    }
    // Block: the caller (the sink's own thread) waits for memory; its
    // queue in front absorbs the pause or counts its drops.
    queue_changed_.wait(lock);
  }
}

bool StreamWriter::try_spool(Batch& batch) {
  if (!batch.spool_name.empty()) return true;  // a replayed batch: its file is still there
  if (!spool_) return false;
  try {
    bool put = false;
    batch.with_block([&](const columns::Block& block) { put = spool_->put(block, batch.maybe_stored); });
    if (put) {
      {
        std::lock_guard lock(mu_);
        stats_.rows_spooled += batch.size();
      }
      recycle(std::move(batch.rows));
      return true;
    }
    note_spool_error("clickhouse: spool " + spool_->dir().string() + " is full (-ch-spool-max)");
  } catch (const Error& e) {
    note_spool_error(e.what());
  }
  return false;
}

void StreamWriter::note_spool_error(const std::string& what) {
  std::lock_guard lock(mu_);
  stats_.spool_error = what;
}

std::optional<bool> StreamWriter::already_stored(Connection& conn, const columns::Block& block) {
  // A server stopped while an INSERT was on the wire reads it once it runs
  // again and stores it then, after a check that found nothing (seen:
  // 40 000 rows stored twice after SIGSTOP for 30 s). Until every INSERT
  // this writer gave up on has left system.processes, the answer is unknown.
  std::string ours = "''";
  {
    std::lock_guard lock(mu_);
    for (const auto& id : open_inserts_) ours += ", '" + id + "'";
  }
  QueryResult running = conn.query("SELECT count() FROM system.processes WHERE query_id LIKE '" + token_prefix_ +
                                   "%' AND query_id NOT IN (" + ours + ")");
  if (!running.blocks.empty() &&
      columns::column_as<columns::UInt64Column>(*running.blocks[0].at(0).column).at(0) != 0) {
    return std::nullopt;
  }
  // Every row, by its key: three sample rows found on one shard of a
  // Distributed table do not prove that the other shards stored theirs
  // (stored_check.hpp).
  StoredCheck check(block);
  for (std::size_t i = 0; i < check.queries(); ++i) {
    QueryResult r = conn.query(check.query(i, options_.table));
    for (const auto& b : r.blocks) check.count(i, b);
  }
  switch (check.verdict()) {
    case StoredRows::kAll:
      return true;
    case StoredRows::kNone:
      return false;
    case StoredRows::kSome:
      break;
  }
  // Stored in part (a Distributed insert that failed on one shard, a block
  // stored before the server refused the rest): resending the whole batch
  // duplicates the part that is there, leaving it out would lose the rest.
  std::lock_guard lock(mu_);
  stats_.rows_maybe_duplicated += check.rows();
  return false;
}

void StreamWriter::keep_encoded(Batch& batch, protocol::EncodedBlock&& sent) {
  const std::size_t was = batch.bytes;
  batch.sent = std::move(sent);
  batch.replayed = columns::Block{};
  auto rows = std::move(batch.rows);
  {
    std::lock_guard lock(mu_);
    batch.bytes = batch.sent.bytes.size() + batch.sent.columns.size();
    memory_bytes_ = memory_bytes_ - was + batch.bytes;
    if (batch.bytes < was) queue_changed_.notify_all();
  }
  recycle(std::move(rows));
}

void StreamWriter::acknowledge(Batch& batch, std::size_t host, bool found_stored) {
  if (!batch.spool_name.empty()) spool_->remove(batch.spool_name);
  {
    std::lock_guard lock(mu_);
    if (!found_stored && host < stats_.rows_by_host.size()) stats_.rows_by_host[host] += batch.size();
    if (batch.earlier) {
      (found_stored ? stats_.rows_found_stored_earlier : stats_.rows_replayed_earlier) += batch.size();
    } else {
      stats_.rows_inserted += batch.size();
      if (!batch.spool_name.empty()) stats_.rows_replayed += batch.size();
    }
    --in_flight_;
    memory_bytes_ -= batch.bytes;
    last_ack_ = Clock::now();
    stats_.failing = false;
    queue_changed_.notify_all();
  }
  recycle(std::move(batch.rows));
}

void StreamWriter::put_back(Batch&& batch) {
  // Still on disk, replayed later: checked first when its INSERT may have landed.
  if (!batch.spool_name.empty()) spool_->release(batch.spool_name, batch.maybe_stored);
  std::lock_guard lock(mu_);
  --in_flight_;
  if (!give_up_) ++stats_.batches_retried;
  if (batch.spool_name.empty()) {
    queue_.push_front(std::move(batch));
  } else {
    memory_bytes_ -= batch.bytes;
  }
  queue_changed_.notify_all();
}

void StreamWriter::hand_out_locked() {
  if (in_flight_ == 0) busy_since_ = Clock::now();
  ++in_flight_;
}

std::optional<StreamWriter::Batch> StreamWriter::next_batch(std::chrono::milliseconds wait, bool* stop) {
  auto until = Clock::now() + wait;
  std::unique_lock lock(mu_);
  for (;;) {
    if (give_up_) {
      *stop = true;
      return std::nullopt;
    }
    if (!queue_.empty()) {
      Batch b = std::move(queue_.front());
      queue_.pop_front();
      hand_out_locked();
      return b;
    }
    // From the spool only what memory allows: a replay must not grow ior.
    if (spool_ && spool_->available() > 0 && memory_bytes_ < options_.memory_bytes) {
      // In flight already while it moves from the spool to this sender:
      // close() must not see the spool empty and nothing in flight then,
      // and take it for drained (a stop during setup hung on that).
      hand_out_locked();
      lock.unlock();
      std::optional<SpooledBatch> spooled;
      try {
        spooled = spool_->take_oldest();
      } catch (...) {
        lock.lock();
        --in_flight_;
        throw;
      }
      lock.lock();
      if (!spooled) {
        --in_flight_;
        continue;
      }
      Batch b;
      b.bytes = spooled->bytes;
      b.replayed = std::move(spooled->block);
      b.spool_name = std::move(spooled->name);
      b.maybe_stored = spooled->maybe_stored;
      b.earlier = spooled->earlier;
      memory_bytes_ += b.bytes;
      return b;
    }
    if (closing_ && (!spool_ || spool_->available() == 0)) {
      *stop = true;
      return std::nullopt;
    }
    if (queue_changed_.wait_until(lock, until) == std::cv_status::timeout && queue_.empty()) return std::nullopt;
  }
}

void StreamWriter::request_stop() {
  std::lock_guard lock(mu_);
  stop_requested_ = true;
  queue_changed_.notify_all();
}

void StreamWriter::close(std::chrono::milliseconds drain_timeout) {
  if (closed_) return;
  closed_ = true;
  submit_current();
  auto deadline = Clock::now() + drain_timeout;
  {
    std::unique_lock lock(mu_);
    closing_ = true;
    queue_changed_.notify_all();
    auto drained = [this] { return queue_.empty() && in_flight_ == 0 && (!spool_ || spool_->available() == 0); };
    // Short waits: a second stop signal (the cancellation) ends the drain
    // at once; after a refused setup no sender is left to drain.
    while (!drained() && Clock::now() < deadline && !cancelled() && stats_.refused.empty()) {
      queue_changed_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
    }
    // Cancelled: no connection can succeed any more, and a sender that
    // retried a batch would never stop.
    if (!drained() || cancelled()) {
      give_up_ = true;
      abandon_->cancel();
    }
    queue_changed_.notify_all();
  }
  for (auto& t : senders_) t.join();
  senders_.clear();
  std::deque<Batch> left;
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  for (auto& b : left) {
    bool spooled = try_spool(b);
    std::lock_guard lock(mu_);
    memory_bytes_ -= b.bytes;
    if (spooled) continue;
    stats_.rows_dropped += b.size();
    stats_.rows_dropped_at_stop += b.size();
    if (b.maybe_stored) stats_.rows_dropped_unanswered += b.size();
  }
}

WriterStats StreamWriter::stats() const {
  std::lock_guard lock(mu_);
  WriterStats s = stats_;
  if (in_flight_ > 0) {
    const auto answered = std::max({busy_since_, last_ack_, last_failure_});
    s.unanswered_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - answered).count());
  }
  s.memory_bytes = memory_bytes_;
  s.queued_batches = queue_.size();
  if (spool_) s.spool = spool_->counts();
  return s;
}

}  // namespace ior::clickhouse::writer
