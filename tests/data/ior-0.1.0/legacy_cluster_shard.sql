CREATE DATABASE IF NOT EXISTS `__DB__`;
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events_local` (
  `timestamp_ns` UInt64,
  `pid` UInt32,
  `tid` UInt32,
  `comm` LowCardinality(String),
  `syscall_name` LowCardinality(String),
  `trace_id` UInt16,
  `event_type` UInt8,
  `ret_value` Int64,
  `ret_type` UInt8,
  `fd` Int32,
  `filename` String,
  `pathname` String,
  `oldname` String,
  `newname` String,
  `flags` Int32,
  `notice` UInt8,
  `duration_ns` UInt64,
  `duration_to_prev_ns` UInt64,
  `hostname` LowCardinality(String),
  `collection_id` UUID,
  `ingested_at` DateTime DEFAULT now()
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(toDateTime(intDiv(timestamp_ns, 1000000000)))
ORDER BY (timestamp_ns, pid, tid)
SETTINGS index_granularity = 8192;
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events` AS `__DB__`.`ior_events_local` ENGINE = Distributed('__CLUSTER__', '__DB__', 'ior_events_local', rand());
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events_thread_stats_local` (
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
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events_thread_stats` AS `__DB__`.`ior_events_thread_stats_local` ENGINE = Distributed('__CLUSTER__', '__DB__', 'ior_events_thread_stats_local');
CREATE MATERIALIZED VIEW IF NOT EXISTS `__DB__`.`ior_events_thread_stats_mv` TO `__DB__`.`ior_events_thread_stats_local` AS SELECT
  toDate(toDateTime(intDiv(timestamp_ns, 1000000000))) AS day,
  toStartOfHour(toDateTime(intDiv(timestamp_ns, 1000000000))) AS hour,
  pid, tid, comm, syscall_name,
  count() AS event_count,
  sum(duration_ns) AS total_duration_ns
FROM `__DB__`.`ior_events_local`
GROUP BY day, hour, pid, tid, comm, syscall_name;
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events_latency_minute_local` (
  `minute` DateTime,
  `syscall_name` LowCardinality(String),
  `event_count` AggregateFunction(count),
  `duration_quantiles` AggregateFunction(quantiles(0.5, 0.9, 0.99), UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, syscall_name)
SETTINGS index_granularity = 8192;
CREATE TABLE IF NOT EXISTS `__DB__`.`ior_events_latency_minute` AS `__DB__`.`ior_events_latency_minute_local` ENGINE = Distributed('__CLUSTER__', '__DB__', 'ior_events_latency_minute_local');
CREATE MATERIALIZED VIEW IF NOT EXISTS `__DB__`.`ior_events_latency_minute_mv` TO `__DB__`.`ior_events_latency_minute_local` AS SELECT
  toStartOfMinute(toDateTime(intDiv(timestamp_ns, 1000000000))) AS minute,
  syscall_name,
  countState() AS event_count,
  quantilesState(0.5, 0.9, 0.99)(duration_ns) AS duration_quantiles
FROM `__DB__`.`ior_events_local`
GROUP BY minute, syscall_name;
