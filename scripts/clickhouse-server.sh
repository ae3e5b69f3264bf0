#!/usr/bin/env bash
# Run a private, throw-away ClickHouse server (Debian's clickhouse-server,
# 18.16.x) for CI and server-mode tests.
#
#   scripts/clickhouse-server.sh install     apt-get install clickhouse-server (no-op if present)
#   scripts/clickhouse-server.sh start DIR   start a server whose config/data/logs live in DIR;
#                                            prints exactly one line: http://default:PASSWORD@127.0.0.1:PORT
#   scripts/clickhouse-server.sh start --same-ports DIR
#                                            restart on the ports of DIR's previous start (clients
#                                            holding its URL reconnect); fails if they are taken
#   scripts/clickhouse-server.sh stop DIR    stop it (TERM, then KILL after a timeout); idempotent
#   scripts/clickhouse-server.sh url DIR     print the URL of the running server in DIR
#
# The server never reads /etc/clickhouse-server: it runs with a config generated
# into DIR (data, tmp and logs under DIR, listening on 127.0.0.1 only, HTTP and
# native TCP on ports picked at start, no interserver port, no clusters,
# ZooKeeper, dictionaries or query_log, timezone UTC). Data in DIR/data persists
# across stop/start; the ports may change on every start unless --same-ports.
#
# The one user, "default", has a password: a random one made at DIR's first start and kept in
# DIR/password (mode 600), so that nothing else on the machine (a process that can open
# 127.0.0.1, or a request Vigil is tricked into sending there) can query the server without
# it. users.xml holds only its SHA-256. The printed URL carries it (user:password@), which is
# how Vigil's --clickhouse-url takes credentials.
#
# Only the URL goes to stdout; everything else goes to stderr.
# Files in DIR: config.xml users.xml metrika.xml password pid url http_port tcp_port data/ tmp/ log/
#
# Environment:
#   CLICKHOUSE_SERVER_BIN        server binary (default: clickhouse-server on PATH or /usr/sbin)
#   CLICKHOUSE_START_TIMEOUT     seconds to wait for GET /ping (default 60)
#   CLICKHOUSE_STOP_TIMEOUT      seconds to wait after SIGTERM before SIGKILL (default 30)
#   CLICKHOUSE_LOG_LEVEL         server log level (default information)
set -euo pipefail

START_TIMEOUT="${CLICKHOUSE_START_TIMEOUT:-60}"
STOP_TIMEOUT="${CLICKHOUSE_STOP_TIMEOUT:-30}"
LOG_LEVEL="${CLICKHOUSE_LOG_LEVEL:-information}"

log() { printf 'clickhouse-server.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

server_bin() {
  if [[ -n "${CLICKHOUSE_SERVER_BIN:-}" ]]; then
    printf '%s\n' "$CLICKHOUSE_SERVER_BIN"
  elif command -v clickhouse-server >/dev/null 2>&1; then
    command -v clickhouse-server
  elif [[ -x /usr/sbin/clickhouse-server ]]; then
    printf '%s\n' /usr/sbin/clickhouse-server
  else
    return 1
  fi
}

# ---------------------------------------------------------------- install

cmd_install() {
  local need=()
  dpkg-query -W -f='${Status}' clickhouse-server 2>/dev/null | grep -q 'install ok installed' \
    || need+=(clickhouse-server)
  dpkg-query -W -f='${Status}' clickhouse-client 2>/dev/null | grep -q 'install ok installed' \
    || need+=(clickhouse-client)
  # the server resolves <timezone>UTC</timezone> through the system zoneinfo
  [[ -e /usr/share/zoneinfo/UTC ]] || need+=(tzdata)
  if [[ ${#need[@]} -eq 0 ]]; then
    log "already installed: $(dpkg-query -W -f='${Package} ${Version}' clickhouse-server)"
    return 0
  fi

  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot apt-get install ${need[*]}"
    sudo=(sudo env DEBIAN_FRONTEND=noninteractive)
  fi
  export DEBIAN_FRONTEND=noninteractive

  # The package's postinst runs `invoke-rc.d clickhouse-server start`, which would
  # start a system-wide server on 8123/9000 (and fail the install where that can't
  # work). Deny service starts for the duration of the install, unless the machine
  # already has a policy of its own.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    made_policy=1
    # shellcheck disable=SC2064
    trap "${sudo[*]} rm -f '$policy'" EXIT
  fi

  # apt-get update only when the lists don't know the package yet
  if ! apt-cache show clickhouse-server >/dev/null 2>&1; then
    log "apt-get update"
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  fi
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
  log "installed: $(dpkg-query -W -f='${Package} ${Version}' clickhouse-server)"
}

# ---------------------------------------------------------------- helpers

abs_dir() {
  [[ -n "${1:-}" ]] || usage
  mkdir -p "$1"
  (cd "$1" && pwd -P)
}

xml_escape() {
  local s=$1
  s=${s//&/&amp;}
  s=${s//</&lt;}
  s=${s//>/&gt;}
  printf '%s' "$s"
}

# 0 if something accepts TCP connections on 127.0.0.1:$1
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# a port below the kernel's ephemeral range (32768+) that nothing listens on
pick_port() {
  local avoid=${1:-0} p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + (RANDOM % 12000)))
    [[ $p -ne $avoid ]] || continue
    port_in_use "$p" || { printf '%s\n' "$p"; return 0; }
  done
  die "no free port found"
}

# GET /ping -> "Ok."
ping_ok() {
  local port=$1 body
  if command -v curl >/dev/null 2>&1; then
    body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/ping" 2>/dev/null) || return 1
  else
    body=$(
      exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
      printf 'GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
      timeout 2 cat <&3
    ) 2>/dev/null || return 1
  fi
  [[ $body == *Ok.* ]]
}

# 0 if $1 is a live (non-zombie) process started with DIR's config
is_our_server() {
  local pid=$1 dir=$2 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ $state != Z && $state != X ]] || return 1
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qxF -- "--config-file=$dir/config.xml"
}

print_log_tail() {
  local dir=$1 f
  for f in "$dir/log/stdout.log" "$dir/log/clickhouse-server.err.log" "$dir/log/clickhouse-server.log"; do
    [[ -s $f ]] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}

# The server looks up its own host name (client_hostname, FQDN) on the first
# query. If /etc/hosts does not list it, glibc asks DNS, i.e. the network. Then,
# where we can (root + unshare), run the server in its own UTS namespace with the
# host name "localhost", which /etc/hosts always resolves. Sets wrap=(...).
hostname_wrapper() {
  local h
  h=$(uname -n)
  wrap=()
  if awk -v h="$h" '!/^[[:space:]]*#/ { for (i = 2; i <= NF; i++) if ($i == h) f = 1 } END { exit !f }' /etc/hosts 2>/dev/null; then
    return 0
  fi
  if [[ $(id -u) -eq 0 ]] && command -v unshare >/dev/null 2>&1 \
    && unshare --uts true 2>/dev/null; then
    log "host name '$h' is not in /etc/hosts: running the server with host name 'localhost' (UTS namespace) so it does no DNS lookup"
    # unshare and sh exec, so the pid stays the server's
    wrap=(unshare --uts sh -c 'echo localhost >/proc/sys/kernel/hostname && exec "$@"' sh)
  else
    log "warning: host name '$h' is not in /etc/hosts; the server will look it up via DNS"
  fi
}

# DIR/password: made once (24 letters and digits), kept across restarts
ensure_password() {
  local dir=$1 pw
  if [[ ! -s $dir/password ]]; then
    pw=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24) || true
    [[ ${#pw} -eq 24 ]] || die "could not make a password"
    (umask 077 && printf '%s\n' "$pw" >"$dir/password")
  fi
  chmod 600 "$dir/password"
}

# the URL clients use: credentials included
url_of() {
  local dir=$1 port=$2
  printf 'http://default:%s@127.0.0.1:%s\n' "$(<"$dir/password")" "$port"
}

write_config() {
  local dir=$1 http_port=$2 tcp_port=$3 d pw_sha
  d=$(xml_escape "$dir")
  cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<!-- Generated by scripts/clickhouse-server.sh; rewritten on every start. -->
<yandex>
    <logger>
        <level>$LOG_LEVEL</level>
        <log>$d/log/clickhouse-server.log</log>
        <errorlog>$d/log/clickhouse-server.err.log</errorlog>
        <size>50M</size>
        <count>2</count>
    </logger>

    <listen_host>127.0.0.1</listen_host>
    <http_port>$http_port</http_port>
    <tcp_port>$tcp_port</tcp_port>
    <!-- no interserver_http_port, https_port, tcp_port_secure, mysql port: not listened on -->

    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <user_files_path>$d/user_files/</user_files_path>
    <format_schema_path>$d/format_schemas/</format_schema_path>
    <users_config>$d/users.xml</users_config>
    <!-- substitutions file (empty): must not fall back to /etc/metrika.xml -->
    <include_from>$d/metrika.xml</include_from>
    <default_profile>default</default_profile>
    <default_database>default</default_database>

    <timezone>UTC</timezone>
    <umask>022</umask>
    <mlock_executable>false</mlock_executable>

    <max_connections>1024</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
    <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
    <max_table_size_to_drop>0</max_table_size_to_drop>
    <max_partition_size_to_drop>0</max_partition_size_to_drop>
    <!-- deliberately absent: remote_servers, zookeeper, macros, dictionaries_config,
         distributed_ddl, graphite, query_log, part_log (nothing that reaches the network) -->
</yandex>
EOF
  printf '<?xml version="1.0"?>\n<yandex/>\n' >"$dir/metrika.xml"
  pw_sha=$(printf '%s' "$(<"$dir/password")" | sha256sum | cut -d' ' -f1)
  (umask 077 && : >"$dir/users.xml")
  cat >"$dir/users.xml" <<EOF
<?xml version="1.0"?>
<!-- Generated by scripts/clickhouse-server.sh; rewritten on every start. -->
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <use_uncompressed_cache>0</use_uncompressed_cache>
            <load_balancing>random</load_balancing>
        </default>
        <readonly>
            <readonly>1</readonly>
        </readonly>
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

cmd_start() {
  local dir bin pid http_port tcp_port attempt deadline same_ports=0
  if [[ ${1:-} == --same-ports ]]; then
    same_ports=1
    shift
  fi
  dir=$(abs_dir "${1:-}")
  bin=$(server_bin) || die "clickhouse-server not found; run: $0 install"

  if [[ -f $dir/pid ]]; then
    pid=$(<"$dir/pid")
    if is_our_server "$pid" "$dir"; then
      http_port=$(<"$dir/http_port")
      if ping_ok "$http_port"; then
        log "already running in $dir (pid $pid)"
        url_of "$dir" "$http_port"
        return 0
      fi
      die "a server from $dir is running (pid $pid) but does not answer /ping; run: $0 stop $dir"
    fi
    rm -f "$dir/pid" "$dir/url"
  fi

  mkdir -p "$dir/data" "$dir/tmp" "$dir/log" "$dir/user_files" "$dir/format_schemas"
  ensure_password "$dir"
  # without job control the background child is no process-group leader, so
  # setsid does not fork and $! is the server's own pid
  set +m
  local wrap=()
  hostname_wrapper

  for attempt in 1 2 3 4 5; do
    if [[ $same_ports -eq 1 ]]; then
      [[ -f $dir/http_port && -f $dir/tcp_port ]] || die "--same-ports: $dir has no previous ports"
      http_port=$(<"$dir/http_port")
      tcp_port=$(<"$dir/tcp_port")
      port_in_use "$http_port" && die "--same-ports: port $http_port is taken"
      port_in_use "$tcp_port" && die "--same-ports: port $tcp_port is taken"
    else
      http_port=$(pick_port)
      tcp_port=$(pick_port "$http_port")
    fi
    write_config "$dir" "$http_port" "$tcp_port"
    : >"$dir/log/stdout.log"

    # setsid: own session, so the caller's process group / terminal signals don't
    # reach it; stdio away from the caller so `url=$(... start DIR)` returns.
    # Run from DIR so that any relative path the server derives stays inside it.
    (cd "$dir" && exec setsid "${wrap[@]}" "$bin" --config-file="$dir/config.xml" \
      </dev/null >>"$dir/log/stdout.log" 2>&1) &
    pid=$!
    printf '%s\n' "$pid" >"$dir/pid"
    log "started pid $pid (http $http_port, tcp $tcp_port, dir $dir)"

    deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
      if ping_ok "$http_port"; then
        is_our_server "$pid" "$dir" || die "pid $pid is not the server answering on port $http_port"
        printf '%s\n' "$http_port" >"$dir/http_port"
        printf '%s\n' "$tcp_port" >"$dir/tcp_port"
        (umask 077 && url_of "$dir" "$http_port" >"$dir/url")
        log "ready after ${SECONDS}s"
        url_of "$dir" "$http_port"
        return 0
      fi
      if ! kill -0 "$pid" 2>/dev/null; then
        break
      fi
      sleep 0.2
    done

    if kill -0 "$pid" 2>/dev/null; then
      log "no answer on /ping after ${START_TIMEOUT}s"
      print_log_tail "$dir"
      cmd_stop "$dir" >/dev/null || true
      exit 1
    fi
    wait "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
    if grep -qs -e 'Address already in use' "$dir/log/stdout.log" "$dir/log/clickhouse-server.err.log"; then
      [[ $same_ports -eq 0 ]] || die "--same-ports: port $http_port or $tcp_port is taken"
      log "port collision (attempt $attempt); retrying with other ports"
      continue
    fi
    log "server exited during startup"
    print_log_tail "$dir"
    exit 1
  done
  die "could not bind free ports after 5 attempts"
}

cmd_stop() {
  local dir pid deadline
  [[ -n "${1:-}" ]] || usage
  if [[ ! -d $1 ]]; then
    log "not running (no directory $1)"
    return 0
  fi
  dir=$(abs_dir "$1")
  if [[ ! -f $dir/pid ]]; then
    log "not running (no $dir/pid)"
    return 0
  fi
  pid=$(<"$dir/pid")
  if ! is_our_server "$pid" "$dir"; then
    log "not running (stale pid $pid)"
    rm -f "$dir/pid" "$dir/url"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while is_our_server "$pid" "$dir" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if is_our_server "$pid" "$dir"; then
    log "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while is_our_server "$pid" "$dir" && ((SECONDS < deadline)); do
      sleep 0.2
    done
    is_our_server "$pid" "$dir" && die "pid $pid survived SIGKILL"
  fi
  rm -f "$dir/pid" "$dir/url"
  log "stopped"
}

cmd_url() {
  local dir
  [[ -d ${1:-} ]] || die "no server running in ${1:-}"
  dir=$(abs_dir "$1")
  [[ -f $dir/pid && -f $dir/url ]] && is_our_server "$(<"$dir/pid")" "$dir" \
    || die "no server running in $dir"
  cat "$dir/url"
}

case "${1:-}" in
  install) cmd_install ;;
  start)
    shift
    [[ $# -eq 1 || ($# -eq 2 && $1 == --same-ports) ]] || usage
    cmd_start "$@"
    ;;
  stop) shift; [[ $# -eq 1 ]] || usage; cmd_stop "$1" ;;
  url) shift; [[ $# -eq 1 ]] || usage; cmd_url "$1" ;;
  *) usage ;;
esac
