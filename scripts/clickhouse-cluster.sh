#!/usr/bin/env bash
# Run a private, throw-away ClickHouse cluster for CI and cluster-mode tests: one ZooKeeper
# (Debian's zookeeper 3.8 package) and SHARDS x REPLICAS clickhouse-server 18.16 nodes on
# loopback ports, with remote_servers defining one cluster.
#
#   scripts/clickhouse-cluster.sh install            apt-get install clickhouse-server zookeeper (no-op if present)
#   scripts/clickhouse-cluster.sh start DIR [NAME]   start ZooKeeper and the nodes, config/data/logs in DIR;
#                                                    prints one URL per node (http://default:PASSWORD@127.0.0.1:PORT),
#                                                    shard 1 replica 1 first, then shard 1 replica 2, …
#   scripts/clickhouse-cluster.sh stop DIR           stop every node and ZooKeeper (TERM, then KILL); idempotent
#   scripts/clickhouse-cluster.sh stop-node DIR N    stop node N (1-based, in the order start printed)
#   scripts/clickhouse-cluster.sh start-node DIR N   start node N again on its ports
#   scripts/clickhouse-cluster.sh urls DIR           print the nodes' URLs again
#
# NAME is the cluster's name in remote_servers (default vigil). Every node has macros
# {shard} (01, 02, …) and {replica} (r1, r2, …), the <zookeeper> section, <distributed_ddl>
# (ON CLUSTER statements) and an interserver HTTP port for replication; all listen on
# 127.0.0.1 only. Nothing is read from /etc/clickhouse-server or /etc/zookeeper.
#
# One password for the user "default" on every node (the nodes log in to each other with it for
# Distributed queries): random, made at DIR's first start and kept in DIR/password (mode 600);
# users.xml holds only its SHA-256; the printed URLs carry it, as scripts/clickhouse-server.sh does.
#
# Only the URLs go to stdout; everything else goes to stderr.
#
# Environment:
#   CLICKHOUSE_CLUSTER_SHARDS      shards (default 2)
#   CLICKHOUSE_CLUSTER_REPLICAS    replicas per shard (default 2)
#   CLICKHOUSE_SERVER_BIN          server binary (default: clickhouse-server on PATH or /usr/sbin)
#   CLICKHOUSE_START_TIMEOUT       seconds to wait for each node's /ping and ZooKeeper (default 90)
#   CLICKHOUSE_STOP_TIMEOUT        seconds to wait after SIGTERM before SIGKILL (default 30)
#   ZOOKEEPER_HEAP_MB              ZooKeeper's Java heap (default 128)
set -euo pipefail

SHARDS="${CLICKHOUSE_CLUSTER_SHARDS:-2}"
REPLICAS="${CLICKHOUSE_CLUSTER_REPLICAS:-2}"
START_TIMEOUT="${CLICKHOUSE_START_TIMEOUT:-90}"
STOP_TIMEOUT="${CLICKHOUSE_STOP_TIMEOUT:-30}"
ZK_HEAP_MB="${ZOOKEEPER_HEAP_MB:-128}"
ZK_JAR=/usr/share/java/zookeeper.jar

log() { printf 'clickhouse-cluster.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

server_bin() {
  if [[ -n "${CLICKHOUSE_SERVER_BIN:-}" ]]; then printf '%s\n' "$CLICKHOUSE_SERVER_BIN"
  elif command -v clickhouse-server >/dev/null 2>&1; then command -v clickhouse-server
  elif [[ -x /usr/sbin/clickhouse-server ]]; then printf '%s\n' /usr/sbin/clickhouse-server
  else return 1; fi
}

java_bin() {
  if command -v java >/dev/null 2>&1; then command -v java; else return 1; fi
}

# ---------------------------------------------------------------- install

cmd_install() {
  local need=() p
  for p in clickhouse-server clickhouse-client zookeeper; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  [[ -e /usr/share/zoneinfo/UTC ]] || need+=(tzdata)
  if [[ ${#need[@]} -eq 0 ]]; then
    log "already installed: $(dpkg-query -W -f='${Package} ${Version}, ' clickhouse-server zookeeper)"
    return 0
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot apt-get install ${need[*]}"
    sudo=(sudo env DEBIAN_FRONTEND=noninteractive)
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Neither package may start a system-wide service during the install.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    made_policy=1
    # shellcheck disable=SC2064
    trap "${sudo[*]} rm -f '$policy'" EXIT
  fi
  if ! apt-cache show zookeeper >/dev/null 2>&1 || ! apt-cache show clickhouse-server >/dev/null 2>&1; then
    log "apt-get update"
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  fi
  # zookeeper depends on a Java runtime (default-jre-headless); recommends are not needed
  log "apt-get install ${need[*]}"
  if ! "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need[@]}" >&2; then
    log "install failed; retrying after apt-get update"
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need[@]}" >&2
  fi
  if [[ $made_policy -eq 1 ]]; then
    "${sudo[@]}" rm -f "$policy"
    trap - EXIT
  fi
  log "installed: $(dpkg-query -W -f='${Package} ${Version}, ' clickhouse-server zookeeper)"
}

# ---------------------------------------------------------------- helpers

abs_dir() { [[ -n "${1:-}" ]] || usage; mkdir -p "$1"; (cd "$1" && pwd -P); }

xml_escape() { local s=$1; s=${s//&/&amp;}; s=${s//</&lt;}; s=${s//>/&gt;}; printf '%s' "$s"; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PICKED: ports handed out by this run, so no two roles get the same one
PICKED=" "
pick_port() {
  local p i
  for ((i = 0; i < 400; i++)); do
    p=$((20000 + (RANDOM % 12000)))
    [[ $PICKED != *" $p "* ]] || continue
    port_in_use "$p" && continue
    PICKED+="$p "
    printf '%s\n' "$p"
    return 0
  done
  die "no free port found"
}

ping_ok() {
  local port=$1 body
  if command -v curl >/dev/null 2>&1; then
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/ping" 2>/dev/null) || return 1
  else
    body=$(
      exec 2>/dev/null
      exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
      printf 'GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
      timeout 2 cat <&3
    ) || return 1
  fi
  [[ $body == *Ok.* ]]
}

zk_ok() {
  local body
  body=$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'ruok' >&3
    timeout 2 cat <&3
  ) 2>/dev/null || return 1
  [[ $body == imok ]]
}

# 0 if $1 is a live (non-zombie) process whose command line holds the argument $2
is_ours() {
  local pid=$1 arg=$2 state
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ $state != Z && $state != X ]] || return 1
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qxF -- "$arg"
}

# stop_pid PID ARG: TERM, wait, KILL
stop_pid() {
  local pid=$1 arg=$2 deadline
  is_ours "$pid" "$arg" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while is_ours "$pid" "$arg" && ((SECONDS < deadline)); do sleep 0.2; done
  if is_ours "$pid" "$arg"; then
    log "pid $pid still running after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while is_ours "$pid" "$arg" && ((SECONDS < deadline)); do sleep 0.2; done
    is_ours "$pid" "$arg" && die "pid $pid survived SIGKILL"
  fi
  return 0
}

tail_logs() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 30 "$f" >&2
  done
}

# Same as scripts/clickhouse-server.sh: without its host name in /etc/hosts the server would ask
# DNS; where we can, run it in its own UTS namespace named "localhost". Sets wrap=(...).
hostname_wrapper() {
  local h
  h=$(uname -n)
  wrap=()
  if awk -v h="$h" '!/^[[:space:]]*#/ { for (i = 2; i <= NF; i++) if ($i == h) f = 1 } END { exit !f }' /etc/hosts 2>/dev/null; then
    return 0
  fi
  if [[ $(id -u) -eq 0 ]] && command -v unshare >/dev/null 2>&1 && unshare --uts true 2>/dev/null; then
    wrap=(unshare --uts sh -c 'echo localhost >/proc/sys/kernel/hostname && exec "$@"' sh)
  else
    log "warning: host name '$h' is not in /etc/hosts; the servers will look it up via DNS"
  fi
}

ensure_password() {
  local dir=$1 pw
  if [[ ! -s $dir/password ]]; then
    pw=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24) || true
    [[ ${#pw} -eq 24 ]] || die "could not make a password"
    (umask 077 && printf '%s\n' "$pw" >"$dir/password")
  fi
  chmod 600 "$dir/password"
}

url_of() { printf 'http://default:%s@127.0.0.1:%s\n' "$(<"$1/password")" "$2"; }

node_count() { printf '%s\n' "$((SHARDS * REPLICAS))"; }

# ---------------------------------------------------------------- config

write_zk_config() {
  local dir=$1 port=$2
  mkdir -p "$dir/zk/data" "$dir/zk/log"
  cat >"$dir/zk/zoo.cfg" <<EOF
# Generated by scripts/clickhouse-cluster.sh; rewritten on every start.
tickTime=500
initLimit=10
syncLimit=5
dataDir=$dir/zk/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,stat,mntr
autopurge.purgeInterval=1
EOF
}

# write_node_config DIR N SHARD REPLICA: DIR/nodeN/{config.xml,users.xml,metrika.xml}
write_node_config() {
  local dir=$1 n=$2 shard=$3 replica=$4 nd d name pw pw_sha s r m
  nd="$dir/node$n"
  d=$(xml_escape "$nd")
  name=$(<"$dir/cluster")
  pw=$(xml_escape "$(<"$dir/password")")
  pw_sha=$(printf '%s' "$(<"$dir/password")" | sha256sum | cut -d' ' -f1)
  local shards_xml=""
  for ((s = 1; s <= SHARDS; s++)); do
    shards_xml+="            <shard>
                <internal_replication>true</internal_replication>
"
    for ((r = 1; r <= REPLICAS; r++)); do
      m=$(((s - 1) * REPLICAS + r))
      shards_xml+="                <replica><host>127.0.0.1</host><port>$(<"$dir/node$m/tcp_port")</port><user>default</user><password>$pw</password></replica>
"
    done
    shards_xml+="            </shard>
"
  done
  cat >"$nd/config.xml" <<EOF
<?xml version="1.0"?>
<!-- Generated by scripts/clickhouse-cluster.sh; rewritten on every start. -->
<yandex>
    <logger>
        <level>information</level>
        <log>$d/log/clickhouse-server.log</log>
        <errorlog>$d/log/clickhouse-server.err.log</errorlog>
        <size>20M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$(<"$nd/http_port")</http_port>
    <tcp_port>$(<"$nd/tcp_port")</tcp_port>
    <interserver_http_port>$(<"$nd/interserver_port")</interserver_http_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>

    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <user_files_path>$d/user_files/</user_files_path>
    <format_schema_path>$d/format_schemas/</format_schema_path>
    <users_config>$d/users.xml</users_config>
    <include_from>$d/metrika.xml</include_from>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <umask>022</umask>
    <mlock_executable>false</mlock_executable>
    <max_connections>1024</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>67108864</uncompressed_cache_size>
    <mark_cache_size>67108864</mark_cache_size>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
    <max_table_size_to_drop>0</max_table_size_to_drop>
    <max_partition_size_to_drop>0</max_partition_size_to_drop>

    <remote_servers>
        <$name>
$shards_xml        </$name>
    </remote_servers>
    <zookeeper>
        <node index="1"><host>127.0.0.1</host><port>$(<"$dir/zk/port")</port></node>
        <session_timeout_ms>10000</session_timeout_ms>
    </zookeeper>
    <macros>
        <shard>$(printf '%02d' "$shard")</shard>
        <replica>r$replica</replica>
    </macros>
    <distributed_ddl>
        <path>/clickhouse/task_queue/ddl</path>
    </distributed_ddl>
</yandex>
EOF
  printf '<?xml version="1.0"?>\n<yandex/>\n' >"$nd/metrika.xml"
  (umask 077 && : >"$nd/users.xml")
  cat >"$nd/users.xml" <<EOF
<?xml version="1.0"?>
<!-- Generated by scripts/clickhouse-cluster.sh; rewritten on every start. -->
<yandex>
    <profiles>
        <default>
            <max_memory_usage>2000000000</max_memory_usage>
            <use_uncompressed_cache>0</use_uncompressed_cache>
            <load_balancing>in_order</load_balancing>
            <background_pool_size>4</background_pool_size>
            <background_schedule_pool_size>4</background_schedule_pool_size>
            <distributed_ddl_task_timeout>120</distributed_ddl_task_timeout>
        </default>
    </profiles>
    <users>
        <default>
            <password_sha256_hex>$pw_sha</password_sha256_hex>
            <networks replace="replace">
                <ip>127.0.0.1</ip>
                <ip>::1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
}

# ---------------------------------------------------------------- start / stop

start_zk() {
  local dir=$1 java pid deadline cp
  java=$(java_bin) || die "java not found; run: $0 install"
  [[ -r $ZK_JAR ]] || die "$ZK_JAR not found; run: $0 install"
  if [[ -f $dir/zk/pid ]] && is_ours "$(<"$dir/zk/pid")" "$dir/zk/zoo.cfg"; then
    zk_ok "$(<"$dir/zk/port")" && return 0
    die "ZooKeeper from $dir is running but does not answer; run: $0 stop $dir"
  fi
  cp=$ZK_JAR
  [[ -r /usr/share/java/slf4j-simple.jar ]] && cp+=":/usr/share/java/slf4j-simple.jar"
  (cd "$dir/zk" && exec setsid "$java" -Xmx"${ZK_HEAP_MB}"m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dzookeeper.admin.enableServer=false -cp "$cp" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zk/zoo.cfg" \
    </dev/null >>"$dir/zk/log/zookeeper.log" 2>&1) &
  pid=$!
  printf '%s\n' "$pid" >"$dir/zk/pid"
  deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    zk_ok "$(<"$dir/zk/port")" && { log "ZooKeeper ready (pid $pid, port $(<"$dir/zk/port"))"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  tail_logs "$dir/zk/log/zookeeper.log"
  die "ZooKeeper did not start"
}

# launch_node DIR N: start node N's server (config already written); no wait
launch_node() {
  local dir=$1 n=$2 nd bin pid
  nd="$dir/node$n"
  bin=$(server_bin) || die "clickhouse-server not found; run: $0 install"
  mkdir -p "$nd/data" "$nd/tmp" "$nd/log" "$nd/user_files" "$nd/format_schemas"
  : >"$nd/log/stdout.log"
  (cd "$nd" && exec setsid "${wrap[@]}" "$bin" --config-file="$nd/config.xml" \
    </dev/null >>"$nd/log/stdout.log" 2>&1) &
  pid=$!
  printf '%s\n' "$pid" >"$nd/pid"
}

# wait_node DIR N: until /ping answers
wait_node() {
  local dir=$1 n=$2 nd pid deadline
  nd="$dir/node$n"
  pid=$(<"$nd/pid")
  deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    ping_ok "$(<"$nd/http_port")" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  tail_logs "$nd/log/stdout.log" "$nd/log/clickhouse-server.err.log"
  die "node $n did not start (see $nd/log)"
}

node_running() {
  local nd="$1/node$2"
  [[ -f $nd/pid ]] && is_ours "$(<"$nd/pid")" "--config-file=$nd/config.xml"
}

cmd_start() {
  local dir name n s r total started=$SECONDS
  dir=$(abs_dir "${1:-}")
  name=${2:-vigil}
  [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "cluster name must be letters, digits and _: $name"
  [[ $SHARDS =~ ^[1-9]$ && $REPLICAS =~ ^[1-9]$ ]] || die "CLICKHOUSE_CLUSTER_SHARDS/REPLICAS must be 1-9"
  total=$(node_count)
  if [[ -f $dir/nodes ]] && [[ $(<"$dir/nodes") != "$total" ]]; then
    die "$dir holds a cluster of $(<"$dir/nodes") nodes; stop it and use another DIR"
  fi
  mkdir -p "$dir/zk"
  ensure_password "$dir"
  printf '%s\n' "$name" >"$dir/cluster"
  printf '%s\n' "$total" >"$dir/nodes"
  set +m
  local wrap=()
  hostname_wrapper

  # Ports: kept across restarts of DIR (the nodes' configs name each other), picked the first time.
  [[ -s $dir/zk/port ]] || pick_port >"$dir/zk/port"
  for ((n = 1; n <= total; n++)); do
    mkdir -p "$dir/node$n"
    for f in http_port tcp_port interserver_port; do
      [[ -s $dir/node$n/$f ]] || pick_port >"$dir/node$n/$f"
    done
  done

  write_zk_config "$dir" "$(<"$dir/zk/port")"
  start_zk "$dir"
  for ((s = 1; s <= SHARDS; s++)); do
    for ((r = 1; r <= REPLICAS; r++)); do
      n=$(((s - 1) * REPLICAS + r))
      node_running "$dir" "$n" && continue
      write_node_config "$dir" "$n" "$s" "$r"
      launch_node "$dir" "$n"
    done
  done
  for ((n = 1; n <= total; n++)); do wait_node "$dir" "$n"; done
  log "cluster '$name' ready: $SHARDS shard(s) x $REPLICAS replica(s), ZooKeeper on $(<"$dir/zk/port"), after $((SECONDS - started))s"
  cmd_urls "$dir"
}

cmd_urls() {
  local dir n total
  dir=$(abs_dir "$1")
  [[ -f $dir/nodes ]] || die "no cluster in $dir"
  total=$(<"$dir/nodes")
  for ((n = 1; n <= total; n++)); do url_of "$dir" "$(<"$dir/node$n/http_port")"; done
}

cmd_stop_node() {
  local dir=$1 n=$2 nd
  [[ -d $dir ]] || { log "not running (no directory $dir)"; return 0; }
  dir=$(abs_dir "$dir")
  nd="$dir/node$n"
  [[ -f $nd/pid ]] || return 0
  log "stopping node $n (pid $(<"$nd/pid"))"
  stop_pid "$(<"$nd/pid")" "--config-file=$nd/config.xml"
  rm -f "$nd/pid"
}

cmd_start_node() {
  local dir n=$2 total
  dir=$(abs_dir "$1")
  [[ -f $dir/nodes && -f $dir/node$n/config.xml ]] || die "no node $n in $dir"
  node_running "$dir" "$n" && return 0
  local wrap=()
  set +m
  hostname_wrapper
  launch_node "$dir" "$n"
  wait_node "$dir" "$n"
  log "node $n started again"
}

cmd_stop() {
  local dir n pids=()
  [[ -n "${1:-}" ]] || usage
  [[ -d $1 ]] || { log "not running (no directory $1)"; return 0; }
  dir=$(abs_dir "$1")
  if [[ -f $dir/nodes ]]; then
    for ((n = 1; n <= $(<"$dir/nodes"); n++)); do
      cmd_stop_node "$dir" "$n" &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || true; done
  fi
  if [[ -f $dir/zk/pid ]]; then
    stop_pid "$(<"$dir/zk/pid")" "$dir/zk/zoo.cfg"
    rm -f "$dir/zk/pid"
  fi
  log "stopped"
}

case "${1:-}" in
  install) cmd_install ;;
  start) shift; [[ $# -ge 1 && $# -le 2 ]] || usage; cmd_start "$@" ;;
  stop) shift; [[ $# -eq 1 ]] || usage; cmd_stop "$1" ;;
  stop-node) shift; [[ $# -eq 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage; cmd_stop_node "$1" "$2" ;;
  start-node) shift; [[ $# -eq 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage; cmd_start_node "$1" "$2" ;;
  urls) shift; [[ $# -eq 1 ]] || usage; cmd_urls "$1" ;;
  *) usage ;;
esac
