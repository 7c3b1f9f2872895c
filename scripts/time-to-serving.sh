#!/usr/bin/env bash
# Measures how long grocer takes from process start to its first SERVING answer on the gRPC health
# service (grpc.health.v1.Health/Check, asked with curl over HTTP/2 every 50 ms), over several starts,
# and prints each time and the median. The command must start the server in the foreground; it is
# stopped with SIGTERM after each start.
#
#   scripts/time-to-serving.sh <runs> <grpc-port> <command> [args...]
#   scripts/time-to-serving.sh 5 19090 java -jar target/grocer-0.1.0-SNAPSHOT.jar \
#       --grpc.server.port=19090 --server.port=18080 --grpc.server.address=127.0.0.1 --server.address=127.0.0.1
set -euo pipefail

[ $# -ge 3 ] || { sed -n '2,10p' "$0"; exit 2; }
runs=$1 port=$2
shift 2
command -v curl >/dev/null || { echo "time-to-serving: needs curl" >&2; exit 1; }

now_ms() { date +%s%3N; }

# 0 when the server answers Check with SERVING: a gRPC frame 00 00000002 08 01.
serving() {
  printf '\0\0\0\0\0' | curl -s --http2-prior-knowledge --max-time 1 -X POST \
    -H 'content-type: application/grpc' -H 'te: trailers' --data-binary @- \
    "http://127.0.0.1:$port/grpc.health.v1.Health/Check" 2>/dev/null | od -An -tx1 | tr -d ' \n' \
    | grep -q '^00000000020801$'
}

times=()
for i in $(seq 1 "$runs"); do
  start=$(now_ms)
  "$@" >"/tmp/time-to-serving.$$.log" 2>&1 &
  pid=$!
  until serving; do
    kill -0 "$pid" 2>/dev/null || { echo "time-to-serving: the server exited; its log:" >&2; tail -20 "/tmp/time-to-serving.$$.log" >&2; exit 1; }
    [ $(( $(now_ms) - start )) -lt 120000 ] || { kill "$pid"; echo "time-to-serving: not SERVING after 120 s" >&2; exit 1; }
    sleep 0.05
  done
  elapsed=$(( $(now_ms) - start ))
  times+=("$elapsed")
  echo "run $i: ${elapsed} ms"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
rm -f "/tmp/time-to-serving.$$.log"
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}')
echo "median of $runs: ${median} ms"
