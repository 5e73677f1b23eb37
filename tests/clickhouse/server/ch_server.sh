#!/usr/bin/env bash
# Real ClickHouse 18.16 servers for the tests: each on free loopback ports,
# with its config, users, data, logs and TLS files inside one directory, so
# tests never touch /etc/clickhouse-server or /var/lib/clickhouse.
#
#   ch_server.sh start DIR [--secure] [--shards N]
#   ch_server.sh stop DIR              stops every instance started in DIR
#   ch_server.sh kill DIR [K]          SIGKILL instance K (default 1)
#   ch_server.sh restart DIR [K]       instance K again, same ports and data
#
# DIR/env (shell-sourceable) describes what runs: CH_HOST, CH_PORT,
# CH_HTTP_PORT, CH_PID, CH_USER_PASSWORD_USER, CH_USER_PASSWORD,
# CH_CLIENT_CONFIG, CH_OWN_DB_USER and CH_OWN_DB (a user with CH_USER_PASSWORD
# allowed only that database), with --secure also CH_SECURE_PORT and CH_CA_FILE, with
# --shards also CH_SHARD_PORTS (the cluster is named ior_cluster).
set -euo pipefail
# EPOCHREALTIME (our clock) uses the locale's decimal separator.
export LC_ALL=C

readonly HOST=127.0.0.1
readonly PASSWORD_USER=ior_test
readonly PASSWORD=ior-test-password
# A user that may use only its own database (not even `default`): a client
# must not name another one in its Hello.
readonly OWN_DB_USER=ior_own_db
readonly OWN_DB=ior_own_db
readonly CLUSTER=ior_cluster
readonly MARKER=.ior_ch_server   # proves DIR is ours before start wipes it
readonly START_TIMEOUT=30
readonly STOP_TIMEOUT=10
readonly START_ATTEMPTS=5
# Ports come from below Linux's default ephemeral range (32768-60999) so
# they never collide with the local end of some outgoing connection.
readonly PORT_MIN=20000 PORT_SPAN=12000

SERVER=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
CLIENT=$(command -v clickhouse-client || echo /usr/bin/clickhouse-client)

die() { echo "ch_server.sh: $*" >&2; exit 1; }
say() { echo "ch_server.sh: $*"; }
usage() { die "usage: ch_server.sh start DIR [--secure] [--shards N] | stop DIR | kill DIR [K] | restart DIR [K]"; }

# --- paths and bookkeeping -------------------------------------------------

# Paths go unquoted into XML and into DIR/env; refusing odd characters keeps
# both trivially parseable (the C++ helper reads DIR/env line by line).
check_path() {
  [[ "$1" =~ ^[A-Za-z0-9_./+-]+$ ]] || die "DIR may only contain letters, digits and _./+- : $1"
}

instance_dirs() {  # DIR -> one absolute instance directory per line
  [[ -f "$1/instances" ]] || return 0
  while read -r name; do
    if [[ "$name" == . ]]; then echo "$1"; else echo "$1/$name"; fi
  done < "$1/instances"
}

nth_instance() {  # DIR K
  local inst
  inst=$(instance_dirs "$1" | sed -n "${2}p")
  [[ -n "$inst" ]] || die "no instance $2 in $1 (was it started with ch_server.sh start?)"
  echo "$inst"
}

inst_var() {  # INST NAME: a value from INST/ports
  sed -n "s/^$2=//p" "$1/ports"
}

# The pid in INST/server.pid if that process is still this instance's
# clickhouse-server; a recycled pid belonging to anything else is ignored.
live_pid() {
  local pid cmd
  [[ -f "$1/server.pid" ]] || return 1
  pid=$(<"$1/server.pid")
  [[ -r /proc/$pid/cmdline ]] || return 1
  cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" == *"--config-file=$1/config.xml"* ]] || return 1
  echo "$pid"
}

# A killed server stays a zombie until its parent (init, once this script
# has exited) reaps it; for us it is gone as soon as it is a zombie.
alive() {  # PID
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat:0:1}" != Z ]]
}

# --- ports ------------------------------------------------------------------

# Local ports of every TCP socket in any state, from /proc so that no extra
# package (iproute2) is needed.
used_ports() {
  awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    while read -r hex; do echo $((16#$hex)); done | sort -u
}

# Sets PORT (not printed: TAKEN must survive, so no command substitution).
declare -A TAKEN=()
PORT=
pick_port() {
  local p tries=0
  while :; do
    p=$((PORT_MIN + SRANDOM % PORT_SPAN))
    if [[ -z "${TAKEN[$p]:-}" ]] && ! grep -qx "$p" <<<"$USED"; then
      TAKEN[$p]=1
      PORT=$p
      return
    fi
    ((++tries < 1000)) || die "no free loopback port found in $PORT_MIN-$((PORT_MIN + PORT_SPAN - 1))"
  done
}

# --- files ------------------------------------------------------------------

write_users() {  # DIR
  cat > "$1/users.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by ch_server.sh. readonly stays 0 in the default profile, so a
     client may set allow_experimental_low_cardinality_type per query. -->
<yandex>
  <profiles>
    <default></default>
  </profiles>
  <users>
    <!-- The servers listen on 127.0.0.1 only, so any network is loopback. -->
    <default>
      <password></password>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
    <$PASSWORD_USER>
      <password>$PASSWORD</password>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </$PASSWORD_USER>
    <$OWN_DB_USER>
      <password>$PASSWORD</password>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
      <allow_databases><database>$OWN_DB</database></allow_databases>
    </$OWN_DB_USER>
  </users>
  <quotas>
    <default></default>
  </quotas>
</yandex>
EOF
}

# A throwaway CA and a server certificate for localhost / 127.0.0.1. EC P-256
# keys take milliseconds where RSA or DH parameters take seconds; 18.16 needs
# no dhParamsFile (TLS 1.3 and ECDHE work without one).
make_tls() {  # DIR
  local t=$1/tls
  mkdir -p "$t"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=ior test CA" -keyout "$t/ca.key" -out "$t/ca.crt" 2>"$t/openssl.log" ||
    die "openssl could not make the CA: $(tail -1 "$t/openssl.log")"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=localhost" -keyout "$t/server.key" -out "$t/server.csr" 2>>"$t/openssl.log" ||
    die "openssl could not make the server key: $(tail -1 "$t/openssl.log")"
  printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' 'basicConstraints=CA:FALSE' \
    'keyUsage=digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' > "$t/server.ext"
  openssl x509 -req -days 3650 -in "$t/server.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" \
    -CAcreateserial -extfile "$t/server.ext" -out "$t/server.crt" 2>>"$t/openssl.log" ||
    die "openssl could not sign the server certificate: $(tail -1 "$t/openssl.log")"
}

# Client config for clickhouse-client --config-file: without it the client
# reads ./clickhouse-client.xml, ~/.clickhouse-client/config.xml or /etc,
# whichever exists. With TLS it trusts only our CA and checks strictly.
write_client_config() {  # DIR SECURE
  {
    echo '<config>'
    if [[ $2 -eq 1 ]]; then
      cat <<EOF
  <openSSL>
    <client>
      <caConfig>$1/tls/ca.crt</caConfig>
      <loadDefaultCAFile>false</loadDefaultCAFile>
      <verificationMode>strict</verificationMode>
      <invalidCertificateHandler><name>RejectCertificateHandler</name></invalidCertificateHandler>
    </client>
  </openSSL>
EOF
    fi
    echo '</config>'
  } > "$1/client.xml"
}

write_config() {  # DIR INST SECURE REMOTE_SERVERS_XML
  local dir=$1 inst=$2 secure=$3 remote=$4
  local tcp http sec
  tcp=$(inst_var "$inst" TCP_PORT)
  http=$(inst_var "$inst" HTTP_PORT)
  sec=$(inst_var "$inst" SECURE_PORT)
  {
    cat <<EOF
<?xml version="1.0"?>
<!-- Written by ch_server.sh; regenerated by every start. -->
<yandex>
  <logger>
    <level>information</level>
    <log>$inst/log/server.log</log>
    <errorlog>$inst/log/server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>$HOST</listen_host>
  <tcp_port>$tcp</tcp_port>
  <http_port>$http</http_port>
  <path>$inst/data/</path>
  <tmp_path>$inst/tmp/</tmp_path>
  <user_files_path>$inst/data/user_files/</user_files_path>
  <format_schema_path>$inst/data/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <!-- Caches are allocated on demand, but keep them test-sized anyway. -->
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <!-- Lets the start-up check tell this server from any other one that
       happens to answer on the same port. -->
  <macros><ior_instance>$inst</ior_instance></macros>
EOF
    if [[ $secure -eq 1 ]]; then
      cat <<EOF
  <tcp_port_secure>$sec</tcp_port_secure>
  <openSSL>
    <server>
      <certificateFile>$dir/tls/server.crt</certificateFile>
      <privateKeyFile>$dir/tls/server.key</privateKeyFile>
      <verificationMode>none</verificationMode>
      <loadDefaultCAFile>false</loadDefaultCAFile>
      <cacheSessions>true</cacheSessions>
      <disableProtocols>sslv2,sslv3</disableProtocols>
      <preferServerCiphers>true</preferServerCiphers>
    </server>
  </openSSL>
EOF
    fi
    printf '%s' "$remote"
    echo '</yandex>'
  } > "$inst/config.xml"
}

write_env() {  # DIR SECURE
  local dir=$1 secure=$2 first pid ports=() inst
  first=$(nth_instance "$dir" 1)
  pid=$(live_pid "$first" || echo 0)
  while read -r inst; do ports+=("$(inst_var "$inst" TCP_PORT)"); done < <(instance_dirs "$dir")
  {
    echo "CH_HOST=$HOST"
    echo "CH_PORT=$(inst_var "$first" TCP_PORT)"
    echo "CH_HTTP_PORT=$(inst_var "$first" HTTP_PORT)"
    if [[ $secure -eq 1 ]]; then
      echo "CH_SECURE_PORT=$(inst_var "$first" SECURE_PORT)"
      echo "CH_CA_FILE=$dir/tls/ca.crt"
    fi
    echo "CH_PID=$pid"
    echo "CH_USER_PASSWORD_USER=$PASSWORD_USER"
    echo "CH_USER_PASSWORD=$PASSWORD"
    echo "CH_OWN_DB_USER=$OWN_DB_USER"
    echo "CH_OWN_DB=$OWN_DB"
    echo "CH_CLIENT_CONFIG=$dir/client.xml"
    [[ ${#ports[@]} -gt 1 ]] && echo "CH_SHARD_PORTS=\"${ports[*]}\""
  } > "$dir/env.tmp"
  # Tests may read env while a restart rewrites it: replace it atomically.
  mv "$dir/env.tmp" "$dir/env"
}

# env again after kill/restart (CH_PID changes); secure is per directory.
refresh_env() {  # DIR
  local secure=0
  [[ -n "$(inst_var "$(nth_instance "$1" 1)" SECURE_PORT)" ]] && secure=1
  write_env "$1" "$secure"
}

# --- processes --------------------------------------------------------------

launch() {  # INST
  local inst=$1 f
  mkdir -p "$inst/log" "$inst/data" "$inst/tmp"
  # wait_ready reads these logs to tell a port collision from other deaths:
  # they must hold this run only. The previous run's are kept aside.
  for f in stdout.log server.err.log; do
    [[ ! -e "$inst/log/$f" ]] || mv -f "$inst/log/$f" "$inst/log/$f.prev"
  done
  # setsid: the server outlives this script and must not share the process
  # group of whoever ran it (CTest kills a timed-out test's group). All
  # stdio goes to files: an inherited pipe would keep CTest or the C++
  # helper waiting for EOF until the server exits. setsid does not fork
  # here (a background job of a non-interactive shell is no group leader),
  # so $! is the server's pid.
  setsid "$SERVER" --config-file="$inst/config.xml" </dev/null >"$inst/log/stdout.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$inst/server.pid"
  # Until the child has exec'd, its command line is this script's, and
  # live_pid would take it for a server that died at once.
  while alive "$pid" && ! live_pid "$inst" >/dev/null; do sleep 0.01; done
}

# Our server answers when system.macros names this instance; another server
# squatting on the port would answer too, but with a different macro. The
# time limit is for squatters that accept and never reply: the client would
# wait out its 300 s receive timeout.
answers() {  # DIR INST
  local out
  out=$(timeout 3 "$CLIENT" --config-file="$1/client.xml" --host "$HOST" \
        --port "$(inst_var "$2" TCP_PORT)" --connect_timeout 1 --receive_timeout 2 \
        -q "SELECT substitution FROM system.macros WHERE macro = 'ior_instance'" 2>/dev/null) || return 1
  [[ "$out" == "$2" ]]
}

show_logs() {  # INST
  local f
  for f in "$1/log/stdout.log" "$1/log/server.err.log"; do
    [[ -s "$f" ]] || continue
    echo "--- last lines of $f" >&2
    tail -n 15 "$f" >&2
  done
}

# Waits until every instance answers. Returns 0; 2 when an instance died
# because a port was taken (the caller may retry elsewhere); 1 after showing
# the logs on any other death or on timeout (the caller stops the rest).
wait_ready() {  # DIR DEADLINE INST...
  local dir=$1 deadline=$2 inst pending
  shift 2
  pending=("$@")
  while [[ ${#pending[@]} -gt 0 ]]; do
    local still=()
    for inst in "${pending[@]}"; do
      if live_pid "$inst" >/dev/null && answers "$dir" "$inst"; then
        continue
      fi
      if ! live_pid "$inst" >/dev/null; then
        if grep -qs 'Address already in use' "$inst/log/server.err.log" "$inst/log/stdout.log"; then
          return 2
        fi
        show_logs "$inst"
        echo "ch_server.sh: clickhouse-server for $inst exited during start-up" >&2
        return 1
      fi
      still+=("$inst")
    done
    pending=("${still[@]+"${still[@]}"}")
    [[ ${#pending[@]} -eq 0 ]] && break
    if (( ${EPOCHREALTIME/./} > deadline )); then
      for inst in "${pending[@]}"; do show_logs "$inst"; done
      echo "ch_server.sh: clickhouse-server did not answer within ${START_TIMEOUT} s: ${pending[*]}" >&2
      return 1
    fi
    sleep 0.1
  done
}

# SIGTERM, up to STOP_TIMEOUT s for a clean shutdown, then SIGKILL. Sets
# STOPPED to the number of instances that were running.
STOPPED=0
stop_instances() {  # INST...
  local inst pid pids=() deadline
  for inst in "$@"; do
    if pid=$(live_pid "$inst"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  deadline=$(( ${EPOCHREALTIME/./} + STOP_TIMEOUT * 1000000 ))
  for pid in "${pids[@]+"${pids[@]}"}"; do
    while alive "$pid" && (( ${EPOCHREALTIME/./} < deadline )); do sleep 0.05; done
    if alive "$pid"; then
      echo "ch_server.sh: pid $pid ignored SIGTERM for ${STOP_TIMEOUT} s, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  # A SIGKILLed server is reaped by init; wait until it is gone so that its
  # ports and the data directory lock are free when we return.
  for pid in "${pids[@]+"${pids[@]}"}"; do
    while alive "$pid"; do sleep 0.02; done
  done
  for inst in "$@"; do rm -f "$inst/server.pid"; done
  STOPPED=${#pids[@]}
}

# --- commands ---------------------------------------------------------------

need() {
  command -v "$1" >/dev/null || [[ -x "$2" ]] || die "$1 is not installed (scripts/setup.sh --test installs it)"
}

cmd_start() {
  local dir=$1 secure=0 shards=1
  shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --secure) secure=1 ;;
      --shards) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -ge 1 ]] || die "--shards needs a count >= 1"
                shards=$2; shift ;;
      *) usage ;;
    esac
    shift
  done
  need clickhouse-server "$SERVER"
  need clickhouse-client "$CLIENT"
  [[ $secure -eq 0 ]] || need openssl /usr/bin/openssl

  local t0=${EPOCHREALTIME/./}
  # A previous run (an interrupted ctest, a crashed test) may have left
  # servers behind: stop them, then start from an empty directory.
  if [[ -d "$dir" ]]; then
    if [[ ! -e "$dir/$MARKER" ]] && [[ -n "$(ls -A "$dir")" ]]; then
      die "$dir exists and was not made by ch_server.sh; refusing to empty it"
    fi
    cmd_stop "$dir" >/dev/null
    find "$dir" -mindepth 1 -delete
  fi
  mkdir -p "$dir"
  touch "$dir/$MARKER"

  local names=() i
  if [[ $shards -eq 1 ]]; then
    names=(.)
  else
    for ((i = 1; i <= shards; i++)); do names+=("shard$i"); done
  fi
  printf '%s\n' "${names[@]}" > "$dir/instances"
  local insts=()
  mapfile -t insts < <(instance_dirs "$dir")

  write_users "$dir"
  write_client_config "$dir" "$secure"
  [[ $secure -eq 0 ]] || make_tls "$dir"

  # Ports are only reserved by binding them, which the server does itself;
  # someone may take a free-looking port in between, so retry on collision.
  local attempt rc=1 inst remote
  for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
    USED=$(used_ports)
    TAKEN=()
    for inst in "${insts[@]}"; do
      mkdir -p "$inst"
      pick_port; echo "TCP_PORT=$PORT" > "$inst/ports"
      pick_port; echo "HTTP_PORT=$PORT" >> "$inst/ports"
      PORT=
      [[ $secure -eq 0 ]] || pick_port
      echo "SECURE_PORT=$PORT" >> "$inst/ports"
    done
    remote=""
    if [[ $shards -gt 1 ]]; then
      remote="  <remote_servers>"$'\n'"    <$CLUSTER>"$'\n'
      for inst in "${insts[@]}"; do
        remote+="      <shard><replica><host>$HOST</host><port>$(inst_var "$inst" TCP_PORT)</port></replica></shard>"$'\n'
      done
      remote+="    </$CLUSTER>"$'\n'"  </remote_servers>"$'\n'
    fi
    for inst in "${insts[@]}"; do
      write_config "$dir" "$inst" "$secure" "$remote"
      launch "$inst"
    done
    rc=0
    wait_ready "$dir" $(( ${EPOCHREALTIME/./} + START_TIMEOUT * 1000000 )) "${insts[@]}" || rc=$?
    [[ $rc -eq 0 ]] && break
    stop_instances "${insts[@]}"
    [[ $rc -eq 2 ]] || exit 1
    echo "ch_server.sh: a port was taken meanwhile, retrying with other ports" >&2
  done
  [[ $rc -eq 0 ]] || die "every attempt hit a port taken by another process ($START_ATTEMPTS attempts)"

  write_env "$dir" "$secure"
  # shellcheck source=/dev/null
  source "$dir/env"

  if [[ $secure -eq 1 ]]; then
    timeout 10 "$CLIENT" --config-file="$dir/client.xml" --secure --host "$HOST" \
      --port "$CH_SECURE_PORT" -q 'SELECT 1' >/dev/null 2>"$dir/secure-check.log" || {
      stop_instances "${insts[@]}"
      die "the secure port $CH_SECURE_PORT does not answer with our CA: $(grep -m1 . "$dir/secure-check.log")"
    }
  fi
  if [[ $shards -gt 1 ]]; then
    local n
    n=$(timeout 10 "$CLIENT" --config-file="$dir/client.xml" --host "$HOST" --port "$CH_PORT" \
        -q "SELECT count() FROM system.clusters WHERE cluster = '$CLUSTER'" 2>&1) || true
    [[ "$n" == "$shards" ]] || {
      stop_instances "${insts[@]}"
      die "system.clusters shows $n entries for $CLUSTER, expected $shards"
    }
  fi

  local t1=${EPOCHREALTIME/./}
  say "$shards instance(s) ready in $(( (t1 - t0) / 1000 )) ms: tcp $CH_PORT http $CH_HTTP_PORT${CH_SECURE_PORT:+ secure $CH_SECURE_PORT}${CH_SHARD_PORTS:+ shards $CH_SHARD_PORTS}; env in $dir/env"
}

cmd_stop() {
  local dir=$1 insts=()
  [[ -d "$dir" ]] || return 0
  mapfile -t insts < <(instance_dirs "$dir")
  [[ ${#insts[@]} -eq 0 ]] && return 0
  stop_instances "${insts[@]}"
  # Tests take a present env for a running server.
  rm -f "$dir/env"
  say "stopped $STOPPED running instance(s) of ${#insts[@]} in $dir"
}

cmd_kill() {
  local dir=$1 k=$2 inst pid
  inst=$(nth_instance "$dir" "$k")
  if pid=$(live_pid "$inst"); then
    kill -KILL "$pid"
    while alive "$pid"; do sleep 0.02; done
    say "killed instance $k (pid $pid)"
  else
    say "instance $k was not running"
  fi
  rm -f "$inst/server.pid"
  [[ ! -f "$dir/env" ]] || refresh_env "$dir"
}

cmd_restart() {
  local dir=$1 k=$2 inst rc=0
  inst=$(nth_instance "$dir" "$k")
  local t0=${EPOCHREALTIME/./}
  stop_instances "$inst"
  launch "$inst"
  wait_ready "$dir" $(( ${EPOCHREALTIME/./} + START_TIMEOUT * 1000000 )) "$inst" || rc=$?
  if [[ $rc -eq 2 ]]; then
    show_logs "$inst"
    die "a port of instance $k was taken by another process while it was down; it cannot come back on the same ports"
  fi
  if [[ $rc -ne 0 ]]; then
    stop_instances "$inst"
    exit 1
  fi
  refresh_env "$dir"
  say "instance $k ready again in $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms (pid $(live_pid "$inst"))"
}

[[ $# -ge 2 ]] || usage
command=$1
# One spelling per directory: the paths end up in configs, pid checks and env.
dir=$(realpath -m -- "$2")
check_path "$dir"
shift 2
case "$command" in
  start) cmd_start "$dir" "$@" ;;
  stop) [[ $# -eq 0 ]] || usage; cmd_stop "$dir" ;;
  kill|restart)
    k=${1:-1}
    [[ $# -le 1 && "$k" =~ ^[1-9][0-9]*$ ]] || usage
    [[ -f "$dir/instances" ]] || die "nothing was started in $dir"
    "cmd_$command" "$dir" "$k" ;;
  *) usage ;;
esac
