#!/usr/bin/env bash
# Smoke run of every benchmark (issue 6, item 5), each for a few seconds, to prove they still run:
# JMH (engine), the Redis peers runner, the load generator against one node (memory store) and
# against two nodes on one Redis, and the Hocuspocus peer when node is installed. Fails if any of
# them fails or reports an error. Needs the jars that `mvn -B verify` (or `mvn -B -DskipTests
# package`) builds; .ci/run calls it after `mvn -B verify`. The figures it prints mean nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH=baton-bench/target/benchmarks.jar
out=$(mktemp -d)
started=$SECONDS
step() {
  echo "== bench smoke: $1 (at $((SECONDS - started)) s)"
}

step "JMH, engine"
java -jar "$BENCH" -f 1 -wi 1 -i 1 -w 1s -r 1s -foe true -rf json -rff "$out/jmh.json" EngineBenchmark

step "Redis peers"
# -da for vertx-redis-client's closing assertion, as in baton-redis's surefire configuration
java -da:io.vertx.redis.client.impl... -cp "$BENCH" dev.baton.bench.peers.RedisPeers \
  --concurrency 1,8 --warmup 1s --duration 2s --rounds 1 --out "$out/redis-peers.json"

step "loadgen on one node and on two nodes, Hocuspocus"
baton-bench/presence-peers.sh --viewers 199 --rate 6 --warmup 2 --duration 5 --rounds 1 --out "$out/presence"

echo "== bench smoke: all benchmarks ran, in $((SECONDS - started)) s"
rm -rf "$out"
