#!/usr/bin/env bash
# Pipelined vs exclusive calls against `tether serve` (line protocol, mutual TLS), alternating in pairs.
#
#   benchmarks/pipeline-vs-serve.sh [callers] [pairs] [seconds]     (defaults: 32 5 6)
#
# Starts `./tether serve` on a free loopback port with a fresh development PKI, then runs `tether bench` with
# --pipeline 32 and --pipeline 1 one after the other, `pairs` times (after one untimed pair of 8 s each; which
# mode goes first alternates), and prints each pair's ratio and the median.
# Both runs use the bench defaults otherwise (pool max = callers). Needs sdk-cli/target/tether.jar (./tether
# builds it when missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
callers="${1:-32}"
pairs="${2:-5}"
seconds="${3:-6}"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$root/tether" certs init -o "$work/pki" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$root/tether" serve --port "$port" --protocol line --cert "$work/pki/server.crt" --key "$work/pki/server.key" \
  --client-ca "$work/pki/ca.crt" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
grep -q listening "$work/serve.log" || { cat "$work/serve.log"; exit 1; }

bench() {
  "$root/tether" bench "localhost:$port" --protocol line --payload 64 -c "$callers" -d "${seconds}s" --pipeline "$1" \
    --ca "$work/pki/ca.crt" --cert "$work/pki/client.crt" --key "$work/pki/client.key" >"$work/bench.txt" 2>&1
  grep throughput "$work/bench.txt" | awk '{gsub(",", "", $2); print $2}'
}

# Warm-up, not counted: the server's JVM compiles its hot paths during the first seconds of load.
seconds_kept="$seconds"; seconds=8; bench 32 >/dev/null; bench 1 >/dev/null; seconds="$seconds_kept"
# The pipelined run: its rate in $piped, its requests per write in $batch.
pipelined() {
  piped=$(bench 32)
  batch=$(grep -o '([0-9.]* per write)' "$work/bench.txt" || true)
}
ratios=()
for pair in $(seq "$pairs"); do
  # Which mode runs first alternates from pair to pair: the second run of a pair meets a server that has run a
  # few seconds longer (warmer JIT, fuller buffers), and always giving that to one mode biases the ratio.
  if [ $((pair % 2)) -eq 1 ]; then
    pipelined
    exclusive=$(bench 1)
  else
    exclusive=$(bench 1)
    pipelined
  fi
  ratio=$(awk -v a="$piped" -v b="$exclusive" 'BEGIN { printf "%.2f", a / b }')
  ratios+=("$ratio")
  echo "pair $pair, $callers callers: pipelined $piped calls/s $batch, exclusive $exclusive calls/s, ratio $ratio (load $(cut -d' ' -f1 /proc/loadavg))"
done
# The median of an even count is the mean of the two middle ratios.
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END {
  m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
  printf "median pipelined/exclusive: %.2f\n", m }'
