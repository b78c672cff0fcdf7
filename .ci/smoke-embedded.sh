#!/usr/bin/env bash
# Starts Sitrep the way a new user does (`npm start`, no DATABASE_URL), twice on
# the same data directory:
#  1. first start: dist/ is (re)built with progress on the console, the compiled
#     server runs (no ts-node), one line per start-up phase, /readyz answers, the
#     printed admin password logs in; SIGTERM to the `npm start` process alone
#     stops everything, the embedded PostgreSQL included;
#  2. second start: first output line and /readyz timed (targets: 1 s and 5 s;
#     enforced with STRICT_TARGETS=1, reported otherwise since CI machines are
#     shared); Ctrl-C as a terminal sends it (SIGINT to the whole process group)
#     stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=$(mktemp -d /tmp/sitrep-smoke-XXXXXX)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log="$data_dir.log"
cleanup() {
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  pkill -KILL -f "$data_dir/pg" 2>/dev/null || true
  rm -rf "$data_dir" "$data_dir".log*
}
trap cleanup EXIT
[ -n "${KEEP_LOG:-}" ] && trap "cat \"\$log\".* > /tmp/smoke.log; cleanup" EXIT
fail() { echo "smoke: $*" >&2; [ -f "$log.$run" ] && tail -n 40 "$log.$run" >&2; exit 1; }
now() { date +%s%N; }
ms_since() { echo $((($(now) - $1) / 1000000)); }

# A build older than the sources must be rebuilt by `npm start` (without touching the sources).
if [ -f dist/.build-complete ]; then touch -d '2000-01-01' dist/.build-complete; fi

start() { # run number → starts `npm start` in its own process group, sets pid and started
  run=$1
  started=$(now)
  env -u DATABASE_URL -u BOOTSTRAP_ADMIN_PASSWORD -u REDIS_URL DATA_DIR="$data_dir" PORT="$port" HOST=127.0.0.1 LOG_LEVEL=${LOG_LEVEL:-info} \
    setsid npm start >"$log.$run" 2>&1 &
  pid=$!
}
wait_ready() { # timeout seconds → sets ready_ms and first_line_ms
  first_line_ms=""
  for _ in $(seq 1 $(($1 * 20))); do
    if [ -z "$first_line_ms" ] && grep -q '^\[sitrep\] starting' "$log.$run"; then first_line_ms=$(ms_since "$started"); fi
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready_ms=$(ms_since "$started"); return 0; fi
    kill -0 "$pid" 2>/dev/null || fail "npm start exited before it was ready"
    sleep 0.05
  done
  fail "not ready within $1 s"
}
check_phases() {
  local phases
  phases=$(grep -o '"phase":"[a-z]*"' "$log.$run" | cut -d'"' -f4 | tr '\n' ' ')
  [ "$phases" = "configuration database migrations listening " ] || fail "start-up phases were [$phases]"
  grep '"phase":"configuration"' "$log.$run" | grep -q '"entry":"[^"]*/dist/src/main.js"' || fail "the server did not run from dist/src/main.js"
  if grep -q 'ts-node' "$log.$run"; then fail "ts-node appears in the output"; fi
}
wait_stopped() { # what was sent
  for _ in $(seq 1 60); do pgrep -g "$pid" >/dev/null || break; sleep 0.5; done
  if pgrep -g "$pid" >/dev/null; then ps -o pid,cmd -g "$pid" >&2; fail "still running 30 s after $1"; fi
  if pgrep -f "$data_dir/pg" >/dev/null; then fail "the embedded PostgreSQL outlived Sitrep after $1"; fi
  grep -q '"msg":"stopped"' "$log.$run" || fail "no clean shutdown in the log after $1"
}

echo "--- first start (builds dist/ if needed)"
start 1
wait_ready 240
grep -q '^\[sitrep build\] building dist/' "$log.1" || fail "npm start did not rebuild a dist/ older than the sources"
grep -q '^\[sitrep build\] compiling TypeScript' "$log.1" || fail "no build progress on the console"
check_phases
echo "/readyz: $(curl -fsS "http://127.0.0.1:$port/readyz") after $((ready_ms / 1000)) s (build included)"
password=$(grep -o 'password [A-Za-z0-9_-]*' "$log.1" | sed -n 1p | cut -d' ' -f2)
[ -n "$password" ] || fail "no admin password was printed"
response=$(curl -fsS "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
  -d "{\"query\":\"mutation { login(email: \\\"admin@sitrep.local\\\", password: \\\"$password\\\") { token user { role } } }\"}")
echo "login: ${response:0:60}..."
echo "$response" | grep -q '"role":"ADMIN"' || fail "login failed: $response"
curl -fsS "http://127.0.0.1:$port/" | grep -qi '<html' || fail "the web console is not served from the build"
# Like `docker stop` or a process manager: SIGTERM to the npm process only.
kill -TERM "$pid"
wait_stopped "SIGTERM to the npm start process"
echo "SIGTERM to npm start: Sitrep and the embedded PostgreSQL stopped"

echo "--- second start (existing data directory, dist/ up to date)"
start 2
wait_ready 60
if grep -q '^\[sitrep build\] building' "$log.2"; then fail "dist/ was rebuilt although it was up to date"; fi
check_phases
echo "second start: first line after ${first_line_ms} ms (target 1000), /readyz 200 after ${ready_ms} ms (target 5000)"
if [ -n "${STRICT_TARGETS:-}" ]; then
  [ "$first_line_ms" -le 1000 ] || fail "first line after $first_line_ms ms"
  [ "$ready_ms" -le 5000 ] || fail "ready after $ready_ms ms"
fi
# Like Ctrl-C in a terminal: SIGINT to the whole process group.
kill -INT -- "-$pid"
wait_stopped "Ctrl-C"
echo "Ctrl-C: Sitrep and the embedded PostgreSQL stopped"
echo "smoke test passed: built, started twice, ready, logged in, stopped cleanly on SIGTERM and Ctrl-C"
