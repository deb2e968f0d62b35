#!/usr/bin/env bash
# Soak run (off CI): mixed load against the sample server for SOAK_SECONDS (default 600), and the
# server's heap after a full GC in the first and in the last minute; fails when the last minute's
# heap grew beyond the tolerance (SOAK_TOLERANCE_PCT, default 10 %, at least 4 MiB). Each minute's
# figure is the least of five readings (10 s apart), since calls in flight are live data too.
#
#   bench/soak.sh                    # 10 minutes
#   SOAK_SECONDS=120 bench/soak.sh   # a short run that checks the script works
# After the soak it runs RealTokenSubjectsTest (20,000 RS256 tokens of new subjects, too slow for CI).
#   SOAK_IDENTITIES=1000000 bench/soak.sh   # then also 1,000,000 client identities through the
#                                           # limiter (ManyClientIdentitiesTest, in-process server)
#
# The load (bench/.../soak/SoakDriver): good Ping calls, rejected calls (PERMISSION_DENIED and
# UNAUTHENTICATED), GetItem with a token for a new subject each call (new rate-limit clients, full
# ES256 verification), and a new unknown method name each call (UNIMPLEMENTED). The server runs
# with the embedded defaults (ratelimit.max-clients 1,000,000, token cache 10,000), TLS, a fixed
# 256 MiB heap. Heap figures come from `jcmd GC.run` then `jcmd GC.heap_info` on the server's pid.
# Everything binds 127.0.0.1; the server is stopped with SIGTERM by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/target/soak
SECONDS_TOTAL=${SOAK_SECONDS:-600}
TOLERANCE_PCT=${SOAK_TOLERANCE_PCT:-10}
rm -rf "$OUT"
mkdir -p "$OUT/server"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JCMD=${JAVA_HOME:+$JAVA_HOME/bin/}jcmd

echo "== build"
mvn -B -q -ntp -pl sample,bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/soak-classpath.txt
SERVER_CP=$ROOT/sample/target/classes:$(cat "$ROOT/sample/target/soak-classpath.txt")
DRIVER_CP=$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/soak-classpath.txt")

PING=datapunk.inventory.v1.InventoryService/Ping
METRICS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== sample server"
(cd "$OUT/server" && exec "$JAVA" -Xms256m -Xmx256m -XX:+UseG1GC -cp "$SERVER_CP" dev.datapunk.mesh.sample.MeshMain \
  --server.host=127.0.0.1 --server.port=0 --metrics.port=$METRICS_PORT --tls.mode=tls \
  --ratelimit.override.$PING.rps=1000000 --ratelimit.override.$PING.burst=1000000 >"$OUT/server.log" 2>&1) &
SERVER_PID=$!
trap 'kill -TERM $SERVER_PID 2>/dev/null || true; [[ -n "${DRIVER_PID:-}" ]] && kill -TERM $DRIVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q "Mesh server listening" "$OUT/server.log" 2>/dev/null && break
  kill -0 $SERVER_PID 2>/dev/null || break
  sleep 0.5
done
PORT=$(sed -n 's/.*Mesh server listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$OUT/server.log" | head -1)
METRICS=$(sed -n 's/.*Prometheus metrics at \(http:[^ ]*\).*/\1/p' "$OUT/server.log" | head -1)
[[ -n "$PORT" && -n "$METRICS" ]] || { echo "server did not start:"; tail -30 "$OUT/server.log"; exit 1; }
echo "server pid $SERVER_PID on port $PORT, metrics $METRICS"

# Heap used after a full GC, in KiB, plus what the server's own metrics say at that moment.
measure() {
  "$JCMD" "$SERVER_PID" GC.run >/dev/null
  local used scrape
  used=$("$JCMD" "$SERVER_PID" GC.heap_info | sed -n 's/.*garbage-first heap.*used \([0-9]*\)K.*/\1/p' | head -1)
  scrape=$(curl -s "$METRICS")
  local clients lines
  clients=$(echo "$scrape" | sed -n 's/^mesh_ratelimit_clients{.*} \([0-9.eE+]*\)$/\1/p' | head -1)
  lines=$(echo "$scrape" | wc -l)
  echo "$1 t=$2s heap_after_gc_kib=$used ratelimit_clients=${clients:-?} scrape_lines=$lines" | tee -a "$OUT/heap.txt" >&2
  echo "$used"
}

echo "== load for $SECONDS_TOTAL s"
"$JAVA" -Xmx512m -cp "$DRIVER_CP" dev.datapunk.mesh.bench.soak.SoakDriver --port="$PORT" \
  --dev-dir="$OUT/server/.mesh/dev" --seconds="$SECONDS_TOTAL" --out="$OUT/driver.txt" >"$OUT/driver.log" 2>&1 &
DRIVER_PID=$!
START=$(date +%s)
at() { local target=$1; local now; now=$(( $(date +%s) - START )); (( target > now )) && sleep $(( target - now )); return 0; }

FIRST=()
for t in 20 30 40 50 60; do at $t; FIRST+=("$(measure first $t)"); done
LAST=()
for t in $(( SECONDS_TOTAL - 55 )) $(( SECONDS_TOTAL - 45 )) $(( SECONDS_TOTAL - 35 )) $(( SECONDS_TOTAL - 25 )) $(( SECONDS_TOTAL - 15 )); do at "$t"; LAST+=("$(measure last "$t")"); done
wait "$DRIVER_PID" || { echo "driver failed:"; tail -30 "$OUT/driver.log"; exit 1; }
DRIVER_PID=
sleep 5
measure after-load $(( $(date +%s) - START )) >/dev/null
cat "$OUT/driver.txt"

min() { printf '%s\n' "$@" | sort -n | head -1; }
FIRST_MIN=$(min "${FIRST[@]}")
LAST_MIN=$(min "${LAST[@]}")
ALLOWED=$(( FIRST_MIN * TOLERANCE_PCT / 100 ))
(( ALLOWED < 4096 )) && ALLOWED=4096
GROWTH=$(( LAST_MIN - FIRST_MIN ))
echo "heap after full GC: first minute ${FIRST_MIN} KiB, last minute ${LAST_MIN} KiB, growth ${GROWTH} KiB (allowed ${ALLOWED} KiB)" | tee -a "$OUT/heap.txt"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
trap - EXIT

echo "== real tokens of new subjects beyond the token cache (RealTokenSubjectsTest, off CI)"
mvn -B -q -ntp -pl sample -am test -Dtest=RealTokenSubjectsTest -Dsurefire.failIfNoSpecifiedTests=false \
  | tee "$OUT/real-tokens.log" | grep -E "RS256 tokens|Tests run|FAIL" || true
grep -q "RS256 tokens" "$OUT/real-tokens.log" || { echo "FAIL: RealTokenSubjectsTest did not run"; exit 1; }
grep -q "FAIL" "$OUT/real-tokens.log" && { echo "FAIL: RealTokenSubjectsTest"; exit 1; }

if [[ -n "${SOAK_IDENTITIES:-}" ]]; then
  echo "== $SOAK_IDENTITIES client identities (ManyClientIdentitiesTest)"
  mvn -B -q -ntp -pl sample -am test -Dtest=ManyClientIdentitiesTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dmesh.identities="$SOAK_IDENTITIES" | tee "$OUT/identities.log" | grep -E "identities|heap|tracked" || true
fi

if (( GROWTH > ALLOWED )); then
  echo "FAIL: heap grew by ${GROWTH} KiB between the first and the last minute (allowed ${ALLOWED} KiB)"
  exit 1
fi
echo "OK"
