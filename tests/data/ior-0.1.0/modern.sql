CREATE DATABASE IF NOT EXISTS `__DB__`;
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events` (
  `timestamp_ns` UInt64 CODEC(DoubleDelta, ZSTD(3)),
  `pid` UInt32 CODEC(T64, ZSTD(3)),
  `tid` UInt32 CODEC(T64, ZSTD(3)),
  `comm` LowCardinality(String) CODEC(ZSTD(3)),
  `syscall_name` LowCardinality(String) CODEC(ZSTD(3)),
  `trace_id` UInt16 CODEC(T64, ZSTD(3)),
  `event_type` UInt8 CODEC(T64, ZSTD(3)),
  `ret_value` Int64 CODEC(T64, ZSTD(3)),
  `ret_type` UInt8 CODEC(T64, ZSTD(3)),
  `fd` Int32 CODEC(T64, ZSTD(3)),
  `filename` String CODEC(ZSTD(3)),
  `pathname` String CODEC(ZSTD(3)),
  `oldname` String CODEC(ZSTD(3)),
  `newname` String CODEC(ZSTD(3)),
  `flags` Int32 CODEC(T64, ZSTD(3)),
  `notice` UInt8 CODEC(T64, ZSTD(3)),
  `duration_ns` UInt64 CODEC(T64, ZSTD(3)),
  `duration_to_prev_ns` UInt64 CODEC(T64, ZSTD(3)),
  `hostname` LowCardinality(String) CODEC(ZSTD(3)),
  `collection_id` UUID CODEC(ZSTD(3)),
  `ingested_at` DateTime64(3) DEFAULT now64(3) CODEC(DoubleDelta, ZSTD(3)),
  INDEX idx_pid pid TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_tid tid TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_duration duration_ns TYPE minmax GRANULARITY 2,
  INDEX idx_syscall syscall_name TYPE set(100) GRANULARITY 4,
  INDEX idx_filename_token filename TYPE tokenbf_v1(256, 2, 0) GRANULARITY 4,
  PROJECTION proj_by_thread (SELECT * ORDER BY (pid, tid, timestamp_ns))
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(fromUnixTimestamp64Nano(timestamp_ns))
ORDER BY (timestamp_ns, pid, tid)
SETTINGS index_granularity = 8192;
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events_thread_stats` (
  `day` Date,
  `hour` DateTime,
  `pid` UInt32,
  `tid` UInt32,
  `comm` LowCardinality(String),
  `syscall_name` LowCardinality(String),
  `event_count` UInt64,
  `total_duration_ns` UInt64
) ENGINE = SummingMergeTree((event_count, total_duration_ns))
PARTITION BY toYYYYMM(day)
ORDER BY (day, hour, pid, tid, comm, syscall_name)
SETTINGS index_granularity = 8192;
CREATE MATERIALIZED VIEW IF NOT EXISTS `__DB__`.`ior_events_thread_stats_mv` TO `__DB__`.`ior_events_thread_stats` AS SELECT
  toDate(fromUnixTimestamp64Nano(timestamp_ns)) AS day,
  toStartOfHour(fromUnixTimestamp64Nano(timestamp_ns)) AS hour,
  pid, tid, comm, syscall_name,
  count() AS event_count,
  sum(duration_ns) AS total_duration_ns
FROM `__DB__`.`ior_events`
GROUP BY day, hour, pid, tid, comm, syscall_name;
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events_latency_minute` (
  `minute` DateTime,
  `syscall_name` LowCardinality(String),
  `event_count` AggregateFunction(count),
  `duration_quantiles` AggregateFunction(quantiles(0.5, 0.9, 0.99), UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, syscall_name)
SETTINGS index_granularity = 8192;
CREATE MATERIALIZED VIEW IF NOT EXISTS `__DB__`.`ior_events_latency_minute_mv` TO `__DB__`.`ior_events_latency_minute` AS SELECT
  toStartOfMinute(fromUnixTimestamp64Nano(timestamp_ns)) AS minute,
  syscall_name,
  countState() AS event_count,
  quantilesState(0.5, 0.9, 0.99)(duration_ns) AS duration_quantiles
FROM `__DB__`.`ior_events`
GROUP BY minute, syscall_name;
