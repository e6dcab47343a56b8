#!/usr/bin/env bash
# Load benchmark of the real server: starts idp-server.jar (-Xmx128m) on H2 and on PostgreSQL,
# drives POST /api/v1/oidc/token with distinct pre-minted tokens over keep-alive connections at
# concurrency 16 and 64, and prints requests/s, p50/p99/p99.9 latency, errors and the server's
# peak RSS per run. Uses $JAVA_HOME's java if set.
#
#   benchmarks/run-load.sh [stores, default "h2 postgres"]
#   DURATION=15 WARMUP=15 TOKENS_PER_RUN=35000 benchmarks/run-load.sh h2   (the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
stores=${1:-"h2 postgres"}
duration=${DURATION:-15}
per_run=${TOKENS_PER_RUN:-35000}
warmup=${WARMUP:-15}
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jdk=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.version = //p')

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else
    echo "wrk is needed: sudo apt-get install wrk" >&2; exit 1; fi
fi
[ -f idp-javalin/target/idp-server.jar ] && [ -f benchmarks/target/benchmarks.jar ] \
  || ./mvnw -B -q -ntp -DskipTests package

free_port() { "$java" -cp benchmarks/target/benchmarks.jar dev.sentryagent.idp.benchmarks.FreePort; }
tmp=$(mktemp -d /tmp/idp-load-XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

api_port=$(free_port)
api="http://127.0.0.1:$api_port"
mkdir -p benchmarks/results
report="benchmarks/results/load-jdk$jdk.txt"
echo "# load benchmark $(date -u +%FT%TZ), JDK $jdk, $(nproc) cores, duration ${duration}s, server -Xmx128m" | tee "$report"

nstores=$(echo $stores | wc -w)
runs=3   # per store: warm-up, c=16, c=64
gh_port=$(free_port)
pg=none; case " $stores " in *" postgres "*) pg=postgres ;; esac
"$java" -cp benchmarks/target/benchmarks.jar dev.sentryagent.idp.benchmarks.LoadFixture \
  "$gh_port" "$api" $((nstores * runs * per_run)) "$tmp/tokens.txt" "$pg" > "$tmp/fixture.log" 2>&1 &
pids+=($!)
while [ ! -f "$tmp/tokens.txt.ready" ]; do sleep 1; done
cat "$tmp/fixture.log"
pg_url=$(cat "$tmp/tokens.txt.ready")

run=0
for store in $stores; do
  if [ "$store" = postgres ]; then db_url=$pg_url; db_user=postgres; else db_url="jdbc:h2:file:$tmp/h2-idp"; db_user=""; fi
  IDP_PORT=$api_port IDP_ISSUER=$api IDP_DB_URL=$db_url IDP_DB_USER=$db_user \
  IDP_ADMIN_TOKEN=load-benchmark-admin-secret-0123456789 IDP_GITHUB_ISSUER="http://127.0.0.1:$gh_port" \
    "$java" -Xmx128m ${SERVER_JAVA_OPTS:-} -jar idp-javalin/target/idp-server.jar > "$tmp/server-$store.log" 2>&1 &
  server=$!
  pids+=($server)
  until curl -sf "$api/health" >/dev/null; do sleep 0.5; done
  curl -sf -X POST "$api/api/v1/oidc/trust-policies" -H 'Authorization: Bearer load-benchmark-admin-secret-0123456789' \
    -H 'Content-Type: application/json' -d '{"repository":"octo-org/octo-repo"}' >/dev/null

  for c in warmup 16 64; do
    conc=$c; secs=$duration
    if [ "$c" = warmup ]; then conc=16; secs=$warmup; fi
    from=$((run * per_run + 1)); to=$(((run + 1) * per_run)); run=$((run + 1))
    echo 5 > "/proc/$server/clear_refs" 2>/dev/null || true   # reset the peak-RSS mark
    result=$(TOKENS="$tmp/tokens.txt" TOKEN_FROM=$from TOKEN_TO=$to WRK_THREADS=2 \
      wrk -t2 -c"$conc" -d"${secs}s" --timeout 10s -s benchmarks/exchange.lua "$api" | grep '^RESULT')
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
    [ "$c" = warmup ] && continue
    echo "store=$store concurrency=$conc ${result#RESULT } peak_rss_mb=$((rss / 1024))" | tee -a "$report"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
done
