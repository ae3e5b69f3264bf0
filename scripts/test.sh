#!/usr/bin/env bash
# The test command (npm test): build, unit tests, integration tests on the embedded engine (chdb),
# then the same integration suite on a real ClickHouse server when clickhouse-server is
# installed (scripts/clickhouse-server.sh install), then the cluster test (two `vigil serve`
# nodes on a ClickHouse cluster with ZooKeeper) when zookeeper is installed too
# (scripts/clickhouse-cluster.sh install). CI sets VIGIL_REQUIRE_SERVER_TESTS=1 so a missing
# server or ZooKeeper fails instead of skipping. Ends with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'scripts/clickhouse-server.sh stop "$results/clickhouse" >/dev/null 2>&1 || true; rm -rf "$results"' EXIT

npm run --silent build
status=0
# Tests that mostly wait in real time (a two-minute webhook outage) run beside the rest, in a
# process of their own, so their wait overlaps the other files' work.
WAITING=(src/monitor/webhook-outage.int.test.ts)
npx vitest run --project integration "${WAITING[@]}" \
  --reporter=default --reporter=json --outputFile.json="$results/waiting.json" >"$results/waiting.log" 2>&1 &
waiting=$!
# The cluster test starts a cluster of its own; it runs once, in its own phase below.
CLUSTER_TEST=src/cli/cluster.int.test.ts
exclude=(--exclude "$CLUSTER_TEST")
for f in "${WAITING[@]}"; do exclude+=(--exclude "$f"); done
npx vitest run --project unit --project integration --project e2e "${exclude[@]}" \
  --reporter=default --reporter=json --outputFile.json="$results/chdb.json" || status=1
wait "$waiting" || status=1
cat "$results/waiting.log"

# The cluster test mostly waits (nodes starting, replicas catching up, a lease expiring): it runs
# in a process of its own beside the server phase, and its output follows that phase's.
cluster=""
if [[ -r /usr/share/java/zookeeper.jar ]] && command -v java >/dev/null 2>&1 \
  && { command -v clickhouse-server >/dev/null 2>&1 || [[ -x /usr/sbin/clickhouse-server ]]; }; then
  echo "cluster test: ZooKeeper and 2 shards x 2 replicas of clickhouse-server (scripts/clickhouse-cluster.sh), beside the server phase"
  (
    started=$SECONDS
    VIGIL_TEST_CLUSTER=1 npx vitest run --project integration "$CLUSTER_TEST" \
      --reporter=default --reporter=json --outputFile.json="$results/cluster.json"
    code=$?
    echo "cluster phase took $((SECONDS - started)) s"
    exit $code
  ) >"$results/cluster.log" 2>&1 &
  cluster=$!
elif [[ "${VIGIL_REQUIRE_SERVER_TESTS:-0}" == "1" ]]; then
  echo "zookeeper or clickhouse-server is not installed but VIGIL_REQUIRE_SERVER_TESTS=1 (scripts/clickhouse-cluster.sh install)" >&2
  status=1
else
  echo "note: zookeeper not installed; the cluster test is skipped (scripts/clickhouse-cluster.sh install)"
fi

# Files whose tests never touch the test engine (offline files, the sandbox): the chdb phase
# covers them, so the server phase does not run them again.
ENGINE_FREE=(
  src/cli/report-command.int.test.ts
  src/cli/evaluate-command.int.test.ts
  src/cli/detect-command.int.test.ts
  src/labs/hostile.int.test.ts
)
server_exclude=(--exclude "$CLUSTER_TEST")
for f in "${ENGINE_FREE[@]}"; do server_exclude+=(--exclude "$f"); done

if command -v clickhouse-server >/dev/null 2>&1 || [[ -x /usr/sbin/clickhouse-server ]] || [[ -x /usr/bin/clickhouse-server ]]; then
  url=$(scripts/clickhouse-server.sh start "$results/clickhouse")
  echo "integration tests on clickhouse-server at $url"
  VIGIL_TEST_ENGINE=server VIGIL_TEST_CLICKHOUSE_URL="$url" npx vitest run --project integration \
    "${server_exclude[@]}" \
    --reporter=default --reporter=json --outputFile.json="$results/server.json" || status=1
  scripts/clickhouse-server.sh stop "$results/clickhouse" >/dev/null 2>&1 || true
elif [[ "${VIGIL_REQUIRE_SERVER_TESTS:-0}" == "1" ]]; then
  echo "clickhouse-server is not installed but VIGIL_REQUIRE_SERVER_TESTS=1" >&2
  status=1
else
  echo "note: clickhouse-server not installed; server-mode tests skipped (scripts/clickhouse-server.sh install)"
fi

if [[ -n "$cluster" ]]; then
  wait "$cluster" || status=1
  cat "$results/cluster.log"
fi

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0);
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/chdb.json" "$results/waiting.json" "$results/server.json" "$results/cluster.json"
exit $status
