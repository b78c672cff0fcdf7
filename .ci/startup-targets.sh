#!/usr/bin/env bash
# `npm run bench:startup`: the start-up targets of the compiled runtime, with the
# embedded PostgreSQL, on one data directory created first (not timed):
#   - first output line of `npm start` (target ≤ 1 s) and of `node scripts/start.js`;
#   - second start to /readyz 200 (target ≤ 5 s), best and median of RUNS (default 3);
#   - CPU time the server process used until ready (wall-clock is mostly waiting on a loaded machine);
#   - idle RSS of the server process 10 s after ready, compiled vs ts-node on the sources.
# Prints the machine's load average with the numbers: they are wall-clock times.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
data_dir=$(mktemp -d /tmp/sitrep-startup-XXXXXX)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log="$data_dir.log"
cleanup() {
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  pkill -KILL -f "$data_dir/pg" 2>/dev/null || true
  rm -rf "$data_dir" "$log"
}
trap cleanup EXIT
now() { date +%s%N; }

node scripts/build.js --if-stale
run() { # command... → sets first_ms ready_ms rss_kb (when MEASURE_RSS)
  local started
  started=$(now)
  env -u DATABASE_URL -u REDIS_URL DATA_DIR="$data_dir" PORT="$port" HOST=127.0.0.1 LOG_LEVEL=info setsid "$@" >"$log" 2>&1 &
  pid=$!
  first_ms=""
  for _ in $(seq 1 3000); do
    if [ -z "$first_ms" ] && [ -s "$log" ]; then first_ms=$((($(now) - started) / 1000000)); fi
    if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.02
  done
  ready_ms=$((($(now) - started) / 1000000))
  # CPU the node process used to get there: on a shared, loaded machine wall-clock time mostly waits for a core.
  local cpu_pid
  cpu_pid=$(pgrep -g "$pid" -x node | head -n1)
  cpu_ms=$(awk '{print ($14 + $15) * 10}' "/proc/$cpu_pid/stat")
  if [ -n "${MEASURE_RSS:-}" ]; then
    sleep 10
    # The node process of the group (npm execs it, so it is $pid itself for `npm start`).
    local node_pid
    node_pid=$(pgrep -g "$pid" -x node | head -n1)
    rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$node_pid/status")
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 200); do pgrep -g "$pid" >/dev/null || break; sleep 0.1; done
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
best() { tr ' ' '\n' | grep . | sort -n | head -n1; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run npm start # creates the cluster and the first admin
npm_first="" npm_ready="" node_first="" node_ready="" node_cpu=""
for _ in $(seq 1 "$runs"); do
  run npm start; npm_first+=" $first_ms"; npm_ready+=" $ready_ms"
  run node scripts/start.js; node_first+=" $first_ms"; node_ready+=" $ready_ms"; node_cpu+=" $cpu_ms"
done
echo "second start, npm start:            first line best $(best <<<"$npm_first") ms, median $(median <<<"$npm_first") ms (target 1000); /readyz 200 best $(best <<<"$npm_ready") ms, median $(median <<<"$npm_ready") ms (target 5000)"
echo "second start, node scripts/start.js: first line best $(best <<<"$node_first") ms, median $(median <<<"$node_first") ms; /readyz 200 best $(best <<<"$node_ready") ms, median $(median <<<"$node_ready") ms; CPU used by then: median $(median <<<"$node_cpu") ms"
MEASURE_RSS=1 run node dist/src/main.js
compiled_rss=$rss_kb
MEASURE_RSS=1 run node -r ts-node/register/transpile-only src/main.ts
tsnode_rss=$rss_kb
echo "idle RSS 10 s after ready: compiled $((compiled_rss / 1024)) MiB, ts-node (transpile-only) $((tsnode_rss / 1024)) MiB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
