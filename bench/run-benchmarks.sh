#!/usr/bin/env bash
# Builds the bench module and runs the whole benchmark suite, then writes docs/performance.md: the
# run's tables, followed by bench/performance-explained.md (what limits each result, kept by hand).
#
#   bench/run-benchmarks.sh           # the full run: about 25 minutes on 2 cores
#   BENCH_QUICK=1 bench/run-benchmarks.sh   # a short run that only checks the suite works
#
# Needs a JDK 17, Maven (dependencies come from Maven Central) and redis-server on the PATH
# (apt-get install -y redis-server). Everything binds 127.0.0.1 only; every server JVM and
# redis-server it starts is stopped (SIGTERM, by pid) by the Java code that started it.
# Figures are only comparable within one run: each table compares configurations measured
# side by side, alternating, on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/target/perf
rm -rf "$OUT"
mkdir -p "$OUT"
command -v redis-server >/dev/null || { echo "redis-server is not on the PATH: apt-get install -y redis-server" >&2; exit 1; }

# The figures are only as good as the machine is quiet: wait (up to 5 minutes) for other work to
# settle, and record the load average before and after the run beside the figures.
for _ in $(seq 1 60); do
  awk '{exit !($1 < 0.5)}' /proc/loadavg && break
  sleep 5
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== build"
mvn -B -q -ntp -pl bench -am package -DskipTests
CP=$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
  JMH_ARGS=(--warmup-iterations=1 --iterations=1 --iteration-ms=300 --contended-forks=1 --ratelimit-warmup-iterations=1 --redis-forks=1)
  LOAD_ARGS=(--server-warmup=2 --rounds=1 --warmup=1 --seconds=2 --open-rate=5000)
  STARTUP_ARGS=(--runs=1)
  CLIENTS=100000
else
  JMH_ARGS=(--warmup-iterations=3 --iterations=5 --iteration-ms=1000)
  LOAD_ARGS=(--server-warmup=20 --rounds=5 --warmup=1 --seconds=5 --open-rate=20000)
  STARTUP_ARGS=(--runs=5)
  CLIENTS=1000000
fi

echo "== JMH: rate-limit decision (local and on Redis), token verification, per-call chain (-prof gc), JFR allocation profile"
"$JAVA" -cp "$CP" dev.datapunk.mesh.bench.jmh.JmhSuite "${JMH_ARGS[@]}" --jfr-dir="$OUT/jfr" \
  --out="$OUT/jmh.md" --redis-out="$OUT/redis.md" >"$OUT/jmh.log" 2>&1 || { tail -50 "$OUT/jmh.log"; exit 1; }

echo "== memory per tracked client ($CLIENTS clients)"
"$JAVA" -Xms3g -Xmx3g -XX:+UseSerialGC -cp "$CP" dev.datapunk.mesh.bench.memory.ClientFootprint \
  --clients=$CLIENTS --out="$OUT/memory.md" >"$OUT/memory.log" 2>&1 || { tail -50 "$OUT/memory.log"; exit 1; }

echo "== load: bare grpc-java vs mesh, plaintext and mTLS, closed and open loop"
"$JAVA" -Xms512m -Xmx512m -cp "$CP" dev.datapunk.mesh.bench.load.LoadComparison "${LOAD_ARGS[@]}" \
  --work-dir="$OUT/load" --out="$OUT/load.md" >"$OUT/load.log" 2>&1 || { tail -50 "$OUT/load.log"; exit 1; }

echo "== start-up to health SERVING"
"$JAVA" -cp "$CP" dev.datapunk.mesh.bench.startup.StartupComparison "${STARTUP_ARGS[@]}" \
  --work-dir="$OUT/startup" --out="$OUT/startup.md" >"$OUT/startup.log" 2>&1 || { tail -50 "$OUT/startup.log"; exit 1; }

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
JVM=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.vm.name|java.runtime.version/ {printf "%s ", $2}')
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git diff --quiet HEAD -- runtime processor annotations bench 2>/dev/null && echo "" || echo " (with uncommitted changes)")

{
  echo "# Performance"
  echo
  echo "How the mesh server compares with bare grpc-java running the same service, and its rate limiters"
  echo "with Bucket4j. The tables come from one run of \`bench/run-benchmarks.sh\`, which wrote this file"
  echo "([bench/README.md](../bench/README.md) says how to run it and what each benchmark measures); the"
  echo "last section, kept in \`bench/performance-explained.md\`, says what limits each result. Configurations"
  echo "are compared only within the run: the machine is small, so absolute figures move between runs while"
  echo "ratios measured side by side hold better."
  echo
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| cores | $(nproc) ($CPU) |"
  echo "| JVM | $JVM|"
  echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) |"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| load average (1, 5, 15 min) | before the run: $LOAD_BEFORE; after: $LOAD_AFTER (the run itself keeps both cores busy) |"
  echo "| code | commit $COMMIT$DIRTY |"
  if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    echo "| mode | BENCH_QUICK=1: short smoke run, figures NOT meaningful |"
  fi
  echo
  echo "## Load: bare grpc-java against the mesh server"
  echo
  echo "Server and load generator in separate JVMs on 127.0.0.1; the same service class, executor (fixed pool"
  echo "of 10), Netty settings and JVM flags (\`-Xms512m -Xmx512m\`) on both sides. (a) is"
  echo "\`BareEchoServer\`: the plain \`bindService()\`, no interceptor. (b)/(c) is the bench module's generated"
  echo "\`MeshMain\` with every stage on the method: metrics, JWT authentication (one ES256 token, cached after"
  echo "the first call), scope check, and a rate limit of 1,000,000 rps that never rejects; (c) is the same over"
  echo "mTLS (development PKI) beside (a) over the same mTLS. Unary \`Echo\` with an empty payload; every client"
  echo "call carries the same \`authorization\` header to both servers. (d), plaintext only, is (b) with the"
  echo "Redis rate limiter (\`--ratelimit.backend=redis\`, failure mode \`deny\` so a decision Redis did not"
  echo "take shows as a failed call) on a \`redis-server\` the run starts on a loopback port: one EVALSHA round"
  echo "trip per call, and every call of the run hits the same key (one token, one client). (e) and (f),"
  echo "plaintext only, are (b) with tracing on (\`--tracing.enabled=true\`): (e) samples every call"
  echo "(\`tracing.sampling-ratio=1\`) and exports each span over OTLP/gRPC to a receiver in the load generator's"
  echo "JVM that answers every export and only counts it, so the server does all of its own export work"
  echo "(batching, marshalling, sending); (f) samples nothing (\`tracing.sampling-ratio=0\`): every span is made"
  echo "and made current, none recorded. (b) itself runs with tracing off, the default: no tracing stage in"
  echo "any chain."
  echo
  echo "\"Server CPU us/call\" is the server process's CPU time (user and system, all threads, as the OS counts"
  echo "it) over each measured window divided by the calls it completed: the work the server does per call,"
  echo "which moves far less between windows than calls/s does on this shared machine. \"p99\" is the p99 of all"
  echo "windows of a server merged; \"median window p99\" is the median of each window's own p99, which one"
  echo "disturbed window cannot move."
  cat "$OUT/load.md"
  echo
  echo "## Start-up to health SERVING"
  echo
  echo "From spawning the JVM to the first SERVING answer of grpc.health.v1 (polled every millisecond),"
  echo "mesh bootstrap (generated \`MeshMain\`) against the bare main serving the same service."
  echo
  cat "$OUT/startup.md"
  echo
  echo "## Micro-benchmarks (JMH, -prof gc; one fork each, three rounds for the 2-thread rate-limit rows and for Redis)"
  echo
  echo "The rate-limit limit is 1,000,000 rps, burst 1,000,000 for both limiters, on a clock running 1000x fast"
  echo "so that every decision admits (\`AcceleratedClock\`); Bucket4j's buckets live in a ConcurrentHashMap"
  echo "keyed like ours. \"10,000 in turn\": every thread goes round the same 10,000 clients, so with 2 threads"
  echo "every decision finds the bucket the other core wrote last; \"10,000 at random\": each thread draws its"
  echo "next client at random (xorshift, no shared state), as calls of many clients spread over a server's"
  echo "threads. The floor is what is left of an exact per-client limiter in a hash map once everything"
  echo "that makes it a limiter is taken out: look the client up in a ConcurrentHashMap, read the same clock,"
  echo "one compare-and-set of \`max(state, now) + 1\` on a long of its own; same keys, same order."
  echo "With 2 threads the score is the total of both, and the runs go in three rounds: a round is one fork"
  echo "of ours, of Bucket4j and of the floor back to back on the same keys, scores are the mean (lowest to"
  echo "highest round) and each ratio is taken within a round and given as the median (lowest to highest),"
  echo "because where the host places the two vCPUs moves every score by up to 2x over minutes. Every"
  echo "rate-limit run warms up for 10 one-second iterations (Bucket4j's 2-thread score climbs for 6 to 14"
  echo "of them before it levels off). The chain benchmark runs a whole unary call through grpc-java's in-process transport"
  echo "with direct executors; \"added\" is the variant minus bare."
  echo
  cat "$OUT/jmh.md"
  echo
  echo "## Rate limiting on Redis"
  echo
  echo "Our \`RedisRateLimiterBackend\` (one EVALSHA of a GCRA script per decision, Redis's clock) beside"
  echo "Bucket4j 8.19's \`LettuceBasedProxyManager\` (compare-and-swap: a GET, then an EVAL that writes if"
  echo "unchanged), both on ONE Lettuce 7.7 connection (2 I/O threads each) to the same kind of real"
  echo "\`redis-server\` (started by each JMH trial on a free loopback port with \`--save ''\`, stopped by pid)."
  echo "Identical limit (1,000,000 rps, burst 1,000,000, so every decision admits), keys expiring once full on"
  echo "both sides, each decision synchronous: the calling thread waits for Redis. With 4 threads the threads"
  echo "share the one connection (Lettuce pipelines their commands) and the score is their total. Ours runs"
  echo "with a 2 s timeout and the run fails if any decision fell back, so every decision counted was Redis's."
  echo "Three rounds, each one fork of every row and of the floor back to back, as the scheduler's placement"
  echo "of the three busy processes moves a single fork by up to 75%; ratios are taken within a round."
  echo
  cat "$OUT/redis.md"
  echo
  echo "## Memory per tracked client"
  echo
  echo "Heap retained after one decision for each of $CLIENTS distinct clients (\`ClientFootprint\`, SerialGC,"
  echo "used heap after repeated full GCs); key strings are not counted."
  echo
  cat "$OUT/memory.md"
  echo
  cat "$ROOT/bench/performance-explained.md"
} >"$ROOT/docs/performance.md"

echo "== wrote docs/performance.md (raw logs in bench/target/perf/)"
