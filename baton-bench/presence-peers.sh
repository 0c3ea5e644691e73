#!/usr/bin/env bash
# Presence fan-out side by side (issue 6, items 3 and 4): one Baton node (memory store), two Baton
# nodes on one Redis (viewers spread over both), and Hocuspocus, each with one document, one actor and
# --viewers viewers, one presence change at a time at --rate changes/s; run back to back, --rounds
# times. Needs the jars of `mvn -B -DskipTests package` (baton.jar, benchmarks.jar); Hocuspocus
# needs node and `npm ci` in baton-bench/peers/hocuspocus. Results: one JSON per run in --out.
#
#   baton-bench/presence-peers.sh --viewers 1000 --rate 6 --warmup 5 --duration 60 --rounds 2 --out /tmp/presence
#
# --connect-concurrency N (default 256, loadgen's): joins in flight while connecting. On Redis every
# join of a document returns its whole member list (the records as stored, a few us each of script
# time), so many joins at once into one 1,000-member document queue on Redis's one thread; loadgen
# retries a hello or join refused with UNAVAILABLE (reported as connectRetries).
# --only baton1,baton2,hocuspocus picks the systems.
#
# Every run is attempted; exits non-zero at the end if any run failed or reported an error.
set -euo pipefail
cd "$(dirname "$0")/.."

viewers=1000 rate=6 warmup=5 duration=60 rounds=1 out=presence-results only=baton1,baton2,hocuspocus
connect=256
while [ $# -gt 0 ]; do
  case "$1" in
    --viewers) viewers=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --connect-concurrency) connect=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

# The jars (PEERS_BATON_JAR, PEERS_BENCH_JAR: run from copies while the worktree rebuilds; not
# BATON_*, which the server reads as configuration and refuses when unknown).
BATON=${PEERS_BATON_JAR:-baton-server/target/baton.jar}
BENCH=${PEERS_BENCH_JAR:-baton-bench/target/benchmarks.jar}
HOCUS=baton-bench/peers/hocuspocus
SECRET='presence-peers-secret-0123456789abcdef-0123'
mkdir -p "$out"
work=$(mktemp -d)
pids=()
failed=0

stop_all() {
  local p
  for p in "${pids[@]}"; do
    # A process that ended on our TERM exits with 128 + 15: that is the expected end.
    if kill "$p" 2>/dev/null; then
      wait "$p" 2>/dev/null || [ $? -gt 128 ]
    fi
  done
  pids=()
}
cleanup() {
  stop_all
  mkdir -p "$out/logs"
  cp "$work"/*.log "$work"/*.out "$out/logs/" 2>/dev/null || [ $? -ne 0 ]
  rm -rf "$work"
}
trap cleanup EXIT

# A port nobody listens on (bash's /dev/tcp connect fails), from a random start.
free_port() {
  local p=$((20000 + RANDOM % 30000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# wait_ready PORT NAME: until the node answers ready; fails at once if it exited (with its log).
wait_ready() {
  local port=$1 name=$2 i
  for i in $(seq 1 480); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && return 0
    if ! kill -0 "$node_pid" 2>/dev/null; then
      cat "$work/$name.log" >&2
      echo "node $name exited before it was ready" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "node $name on port $port not ready after 240 s" >&2
  return 1
}

# start_node NAME PORT memory|redis [REDIS_URI PREFIX]: a Baton node in the background; its pid in
# $node_pid. Nodes of one cluster share the Redis and the key prefix.
start_node() {
  local name=$1 port=$2 store=$3 uri=${4:-} prefix=${5:-}
  {
    echo "server: {host: 127.0.0.1, port: $port}"
    if [ "$store" = redis ]; then
      echo "store: {type: redis}"
      # nodeTimeout 30 s: on a starved shared machine a node can miss 5 s of heartbeats (the default)
      # and be declared dead mid-run; this measures fan-out, not failover.
      echo "redis: {uri: '$uri', keyPrefix: $prefix, nodeTimeout: 30s}"
    else
      echo "store: {type: memory, tokenFile: $work/$name-fence}"
    fi
    echo "auth: {hmacSecret: '$SECRET'}"
    echo "audit: {file: $work/$name-audit.jsonl}"
  } > "$work/$name.yaml"
  java -jar "$BATON" serve --config "$work/$name.yaml" > "$work/$name.log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
}

# loadgen NAME ARGS...: runs the generator, keeps its output, fails on any error it reports.
loadgen() {
  local name=$1
  shift
  if ! BATON_AUTH_HMAC_SECRET=$SECRET java -jar "$BATON" loadgen --connections $((viewers + 1)) \
      --documents 1 --viewers "$viewers" --rate "$rate" --connect-concurrency "$connect" --warmup "${warmup}s" --duration "${duration}s" \
      --out "$out/$name.json" "$@" > "$work/$name.out" 2>&1; then
    cat "$work/$name.out" >&2
    echo "loadgen $name failed" >&2
    return 1
  fi
  grep -E '^step 0:' "$work/$name.out" | sed "s/^/$name: /"
  if ! grep -qE '; errors: 0$' "$work/$name.out"; then
    cat "$work/$name.out" >&2
    echo "loadgen $name reported errors" >&2
    return 1
  fi
  # A change that reached some member only inside a resync snapshot (type "presence", not
  # "presence.*") counts as received and is reported apart (fanoutViaSnapshot); incomplete changes
  # and retried joins are results, not failures.
  echo "$name: $(grep -oE '"(fanoutIncomplete|fanoutViaSnapshot|connectRetries)" : [0-9]+' "$out/$name.json" \
    | tr '\n' ' ')"
}

for round in $(seq 1 "$rounds"); do
  if [[ ",$only," == *,baton1,* ]]; then
    port=$(free_port)
    start_node one "$port" memory
    wait_ready "$port" one
    loadgen "baton-one-node-r$round" --url "ws://127.0.0.1:$port/v1/ws" --server-pid "$node_pid" || failed=1
    stop_all
  fi
  if [[ ",$only," == *,baton2,* ]]; then
    rport=$(free_port)
    java -cp "$BENCH" dev.baton.bench.peers.EmbeddedRedis "$rport" > "$work/redis.log" 2>&1 &
    pids+=("$!")
    for i in $(seq 1 60); do grep -q '^redis ' "$work/redis.log" && break; sleep 0.5; done
    grep -q '^redis ' "$work/redis.log" || { cat "$work/redis.log" >&2; exit 1; }
    p1=$(free_port)
    start_node a "$p1" redis "redis://127.0.0.1:$rport" "bench-r$round"
    pid1=$node_pid
    wait_ready "$p1" a
    p2=$(free_port)
    start_node b "$p2" redis "redis://127.0.0.1:$rport" "bench-r$round"
    pid2=$node_pid
    wait_ready "$p2" b
    loadgen "baton-two-nodes-r$round" --url "ws://127.0.0.1:$p1/v1/ws" --url "ws://127.0.0.1:$p2/v1/ws" \
      --server-pid "$pid1" --server-pid "$pid2" || failed=1
    stop_all
  fi
  if [[ ",$only," == *,hocuspocus,* ]]; then
    if ! command -v node >/dev/null 2>&1; then
      echo "hocuspocus: skipped, node is not installed"
    else
      [ -d "$HOCUS/node_modules" ] || (cd "$HOCUS" && npm ci --no-audit --no-fund --silent)
      node "$HOCUS/bench.mjs" --viewers "$viewers" --rate "$rate" --warmup "$warmup" --duration "$duration" \
        --out "$out/hocuspocus-r$round.json" > "$work/hocuspocus.out" 2>&1 \
        || { cat "$work/hocuspocus.out" >&2; echo "hocuspocus failed" >&2; failed=1; }
      [ -f "$out/hocuspocus-r$round.json" ] && echo "hocuspocus-r$round: $(tr -d ' \n' < "$out/hocuspocus-r$round.json" | grep -oE '"fanoutMs":\{[^}]*\}')" \
        "$(tr -d ' \n' < "$out/hocuspocus-r$round.json" | grep -oE '"(rss|heap)PerConnection":[0-9]+' | tr '\n' ' ')"
    fi
  fi
done
echo "results in $out"
exit "$failed"
