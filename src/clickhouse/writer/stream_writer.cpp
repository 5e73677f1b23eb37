#include "clickhouse/writer/stream_writer.hpp"

#include <algorithm>

#include "base/error.hpp"
#include "clickhouse/client/connection.hpp"
#include "clickhouse/columns/fixed_column.hpp"
#include "clickhouse/protocol/server_exception.hpp"

namespace ior::clickhouse::writer {

using Clock = std::chrono::steady_clock;

StreamWriter::StreamWriter(WriterOptions options) : options_(std::move(options)) {
  if (options_.hosts.empty()) throw UsageError("clickhouse: no host given");
  if (options_.batch_rows == 0) throw UsageError("clickhouse: the batch size must be at least 1 row");
  options_.connections = std::max<std::size_t>(options_.connections, 1);
  options_.queue_batches = std::max<std::size_t>(options_.queue_batches, 1);
  if (!options_.spool_dir.empty()) spool_ = std::make_unique<Spool>(options_.spool_dir, options_.spool_max_bytes);
  for (std::size_t i = 0; i < options_.connections; ++i) senders_.emplace_back([this, i] { sender(i); });
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
  // Keep only as many as can be in use at once; the rest is freed.
  if (free_blocks_.size() < options_.queue_batches + options_.connections + 1) free_blocks_.push_back(std::move(block));
}

void StreamWriter::append(const schema::EventRow& row) {
  if (!current_) {
    current_ = take_block();
    current_started_ = Clock::now();
  }
  current_->append(row);
  if (current_->rows() >= options_.batch_rows) submit_current();
}

void StreamWriter::tick() {
  if (current_ && current_->rows() > 0 && Clock::now() - current_started_ >= options_.flush_interval) {
    submit_current();
  }
}

void StreamWriter::submit_current() {
  if (!current_ || current_->rows() == 0) return;
  Batch batch;
  batch.rows = std::move(current_);
  std::size_t n = batch.size();
  std::unique_lock lock(mu_);
  stats_.rows_accepted += n;
  for (;;) {
    if (queue_.size() < options_.queue_batches) {
      queue_.push_back(std::move(batch));
      queue_changed_.notify_one();
      return;
    }
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
    // Block: the caller (the event pipeline) waits for a free queue slot;
    // the kernel's ring buffer absorbs the pause or counts its drops.
    queue_changed_.wait(lock);
  }
}

bool StreamWriter::try_spool(Batch& batch) {
  if (!batch.spool_path.empty()) return true;  // a replayed batch: its file is still there
  if (!spool_) return false;
  try {
    if (spool_->put(batch.block(), batch.maybe_stored)) {
      {
        std::lock_guard lock(mu_);
        stats_.rows_spooled += batch.size();
      }
      recycle(std::move(batch.rows));
      return true;
    }
    note_error("clickhouse: spool " + spool_->dir().string() + " is full");
  } catch (const Error& e) {
    note_error(e.what());
  }
  return false;
}

void StreamWriter::note_error(const std::string& what) {
  std::lock_guard lock(mu_);
  stats_.last_error = what;
}

bool StreamWriter::already_stored(Connection& conn, const columns::Block& block) {
  const auto& ts = columns::column_as<columns::UInt64Column>(block.column("timestamp_ns"));
  const auto& tid = columns::column_as<columns::UInt32Column>(block.column("tid"));
  const auto& id = columns::column_as<columns::UuidColumn>(block.column("collection_id"));
  std::size_t n = block.rows();
  std::string tuples;
  for (std::size_t i : {std::size_t{0}, n / 2, n - 1}) {
    if (!tuples.empty()) tuples += ", ";
    tuples += "(" + std::to_string(tid.at(i)) + ", " + std::to_string(ts.at(i)) + ")";
  }
  QueryResult r = conn.query("SELECT count() FROM " + options_.table + " WHERE collection_id = toUUID('" +
                             id.at(0).text() + "') AND (tid, timestamp_ns) IN (" + tuples + ")");
  std::uint64_t found = r.blocks.empty() ? 0 : columns::column_as<columns::UInt64Column>(*r.blocks[0].at(0).column).at(0);
  if (found == 0) return false;
  // Some sample rows there, some not: the batch was stored in part (a
  // Distributed insert that failed on one shard); resending duplicates the part.
  if (found < (n >= 3 ? 3u : n)) {
    std::lock_guard lock(mu_);
    stats_.rows_maybe_duplicated += n;
    return false;
  }
  return true;
}

void StreamWriter::ensure_connected(std::unique_ptr<Connection>& conn, std::size_t host) {
  if (conn && !conn->broken()) return;
  conn.reset();
  ClientOptions o = options_.client;
  o.host = options_.hosts[host];
  conn = std::make_unique<Connection>(o);
  if (options_.on_connect) {
    try {
      options_.on_connect(*conn);
    } catch (...) {
      conn.reset();  // the next attempt reconnects and runs it again
      throw;
    }
  }
}

void StreamWriter::acknowledge(Batch& batch) {
  if (!batch.spool_path.empty()) spool_->remove(batch.spool_path);
  {
    std::lock_guard lock(mu_);
    stats_.rows_inserted += batch.size();
    if (!batch.spool_path.empty()) stats_.rows_replayed += batch.size();
    --in_flight_;
    queue_changed_.notify_all();
  }
  recycle(std::move(batch.rows));
}

void StreamWriter::put_back(Batch&& batch) {
  if (!batch.spool_path.empty()) spool_->release(batch.spool_path);  // still on disk; replayed later
  std::lock_guard lock(mu_);
  --in_flight_;
  if (!give_up_) ++stats_.batches_retried;
  if (batch.spool_path.empty()) queue_.push_front(std::move(batch));
  queue_changed_.notify_all();
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
      ++in_flight_;
      queue_changed_.notify_all();  // a slot is free for the caller
      return b;
    }
    if (spool_ && spool_->available() > 0) {
      lock.unlock();
      auto spooled = spool_->take_oldest();
      lock.lock();
      if (spooled) {
        Batch b;
        b.replayed = std::move(spooled->block);
        b.spool_path = std::move(spooled->path);
        b.maybe_stored = spooled->maybe_stored;
        ++in_flight_;
        return b;
      }
      continue;
    }
    if (closing_) {
      *stop = true;
      return std::nullopt;
    }
    if (queue_changed_.wait_until(lock, until) == std::cv_status::timeout && queue_.empty()) return std::nullopt;
  }
}

void StreamWriter::sender(std::size_t index) {
  std::unique_ptr<Connection> conn;
  std::size_t host = index % options_.hosts.size();
  const std::size_t per_insert = std::max<std::size_t>(1, options_.insert_rows / options_.batch_rows);
  std::vector<Batch> open;  // sent in the open INSERT, not acknowledged yet
  auto backoff = options_.backoff_min;

  auto put_back_open = [&](bool maybe_stored) {
    for (auto it = open.rbegin(); it != open.rend(); ++it) {
      it->maybe_stored = maybe_stored;
      put_back(std::move(*it));
    }
    open.clear();
  };
  // After a failure, every batch of the open INSERT may or may not be
  // stored (unless the server refused the INSERT): each is checked before
  // it is sent again.
  auto fail = [&](const std::string& what, bool refused) {
    {
      std::lock_guard lock(mu_);
      ++stats_.insert_errors;
      stats_.last_error = what;
    }
    put_back_open(!refused);
    if (!refused || (conn && conn->broken())) {
      conn.reset();
      host = (host + 1) % options_.hosts.size();
    }
    std::unique_lock lock(mu_);
    queue_changed_.wait_for(lock, backoff, [this] { return give_up_; });
    backoff = std::min(backoff * 2, options_.backoff_max);
  };
  // Ends the open INSERT; false when it failed (its batches were put back).
  auto finish = [&]() -> bool {
    if (open.empty()) return true;
    try {
      conn->end_insert();
    } catch (const protocol::ServerException& e) {
      fail(e.what(), true);
      return false;
    } catch (const Error& e) {
      fail(e.what(), false);
      return false;
    }
    for (auto& b : open) acknowledge(b);
    open.clear();
    backoff = options_.backoff_min;
    return true;
  };

  for (;;) {
    bool stop = false;
    // With an INSERT open, wait only as long as the flush interval allows.
    auto batch = next_batch(open.empty() ? std::chrono::milliseconds(200) : options_.flush_interval, &stop);
    if (!batch) {
      bool gave_up;
      {
        std::lock_guard lock(mu_);
        gave_up = give_up_;
      }
      if (gave_up) {
        // close() ran out of time: the open INSERT is abandoned with its
        // connection; its batches go back, marked as maybe stored.
        if (conn) conn->abandon_insert();
        put_back_open(true);
        return;
      }
      // Stop only when the open INSERT was acknowledged: a failed one put
      // its batches back, which this sender must still deliver.
      if (finish() && stop) return;
      continue;
    }
    // A batch whose INSERT failed unacknowledged is checked alone, outside
    // any open INSERT, before it may join one again.
    if (batch->maybe_stored && !finish()) {
      put_back(std::move(*batch));
      continue;
    }
    bool joined = false;
    try {
      ensure_connected(conn, host);
      if (batch->maybe_stored) {
        if (already_stored(*conn, batch->block())) {
          {
            std::lock_guard lock(mu_);
            ++stats_.duplicates_avoided;
          }
          acknowledge(*batch);
          continue;
        }
        batch->maybe_stored = false;
      }
      if (open.empty()) {
        QueryOptions q;
        q.settings = options_.insert_settings;
        conn->begin_insert(options_.insert_sql, q);
      }
      open.push_back(std::move(*batch));
      joined = true;
      conn->send_block(open.back().block());
    } catch (const protocol::ServerException& e) {
      if (!joined) put_back(std::move(*batch));
      fail(e.what(), true);
      continue;
    } catch (const Error& e) {
      if (!joined) put_back(std::move(*batch));
      fail(e.what(), false);
      continue;
    }
    if (open.size() >= per_insert) finish();
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
    bool drained = queue_changed_.wait_until(lock, deadline, [this] {
      return queue_.empty() && in_flight_ == 0 && (!spool_ || spool_->available() == 0);
    });
    if (!drained) give_up_ = true;
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
    if (!try_spool(b)) {
      std::lock_guard lock(mu_);
      stats_.rows_dropped += b.size();
    }
  }
  std::lock_guard lock(mu_);
  if (spool_) stats_.rows_left_in_spool = spool_->pending_rows();
}

WriterStats StreamWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace ior::clickhouse::writer
