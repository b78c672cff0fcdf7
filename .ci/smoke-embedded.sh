#!/usr/bin/env bash
# Starts Sitrep the way a new user does (`npm start`, no DATABASE_URL), waits
# for /readyz, logs in with the printed admin password, stops it with SIGTERM
# and checks that the embedded PostgreSQL stopped with it.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=$(mktemp -d /tmp/sitrep-smoke-XXXXXX)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log="$data_dir.log"
cleanup() {
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  pkill -KILL -f "$data_dir/pg" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT
[ -n "${KEEP_LOG:-}" ] && trap "cp \"\$log\" /tmp/smoke.log; cleanup" EXIT

env -u DATABASE_URL -u BOOTSTRAP_ADMIN_PASSWORD DATA_DIR="$data_dir" PORT="$port" HOST=127.0.0.1 LOG_LEVEL=${LOG_LEVEL:-info} \
  setsid npm start >"$log" 2>&1 &
pid=$!

ready=""
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready=yes; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
if [ -z "$ready" ]; then echo "Sitrep did not become ready; log:" >&2; cat "$log" >&2; exit 1; fi
echo "/readyz: $(curl -fsS "http://127.0.0.1:$port/readyz")"

password=$(grep -o 'password [A-Za-z0-9_-]*' "$log" | head -n1 | cut -d' ' -f2)
if [ -z "$password" ]; then echo "no admin password was printed; log:" >&2; cat "$log" >&2; exit 1; fi
response=$(curl -fsS "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
  -d "{\"query\":\"mutation { login(email: \\\"admin@sitrep.local\\\", password: \\\"$password\\\") { token user { role } } }\"}")
echo "login: ${response:0:60}..."
echo "$response" | grep -q '"role":"ADMIN"' || { echo "login failed: $response" >&2; exit 1; }

# Like a terminal's Ctrl-C or a container stop: the whole process group gets the signal.
kill -TERM -- "-$pid"
for _ in $(seq 1 30); do pgrep -g "$pid" >/dev/null || break; sleep 1; done
if pgrep -g "$pid" >/dev/null; then echo "Sitrep did not stop within 30 s of SIGTERM:" >&2; ps -o pid,cmd -g "$pid" >&2; exit 1; fi
if pgrep -f "$data_dir/pg" >/dev/null; then echo "the embedded PostgreSQL outlived Sitrep" >&2; exit 1; fi
grep -q '"msg":"stopped"' "$log" || { echo "no clean shutdown in the log:" >&2; tail -n 20 "$log" >&2; exit 1; }
echo "smoke test passed: started, ready, logged in, stopped cleanly"
