#!/usr/bin/env bash
# Load benchmark of the real server, reported as a share of the crypto ceiling measured by JMH on
# the same JDK in the same run. For each JDK: the JMH ceiling (RS256 verify + ES256 sign on 2
# threads), then for each store a fresh idp-server.jar (-Xmx128m) on an empty database, a trust
# policy, and wrk driving POST /api/v1/oidc/token with distinct pre-minted tokens over keep-alive
# connections: a warm-up at concurrency 16, then concurrency 16 and 64. Prints requests/s, the share
# of the ceiling, p50/p99/p99.9 latency, errors (any non-2xx answer) and the server's peak RSS.
# Before the stores, the HTTP floor: HttpFloor (idp-server's HTTP settings, a fixed answer, no
# crypto, no database) under the same wrk script says what HTTP alone costs here, and so the most an
# exchange could ever reach: 1 / (1 / ceiling + 1 / floor), printed as best_possible_pct.
# First of all, the machine's physical limit: OpenSSL's own ES256 sign and RS256 verify on all
# cores (openssl speed -multi <cores> ecdsap256 rsa2048), limit = 1 / (1 / sign + 1 / verify)
# exchanges/s, printed with every result as limit_pct. Each server runs once per crypto provider
# (IDP_CRYPTO_PROVIDER=accp and =jdk, the crypto= column), each against the JMH ceiling measured
# with the same provider.
#
#   benchmarks/run-load.sh [stores, default "h2 postgres"]
#   JDKS="/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64" benchmarks/run-load.sh
#
# Knobs (defaults): JDKS ($JAVA_HOME, else the java on PATH), WARMUP=60 and DURATION=30 seconds,
# TOKENS=480000 tokens per server run, SERVER_JAVA_OPTS (added after -Xmx128m; by default what
# bin/idp-server adds, from bin/default-jvm-options), CEILING=1 (0: skip JMH), INPROCESS=1 (0: skip the
# library's exchange in process, JMH), FLOOR=1 (0: skip the
# HTTP floor; its warm-up is WARMUP/3), CRYPTOS="accp jdk" (the server's IDP_CRYPTO_PROVIDER values),
# LIMIT_SECONDS=10 (per openssl speed algorithm; 0: skip the physical limit),
# RESULTS=benchmarks/results (where load-jdk<version>.txt goes), COMPARE="label=path/to/idp-server.jar ..."
# (other server jars, each run once more on the first JDK with H2 and the first provider, its rows
# tagged jar=label: e.g. the build before a change, for the same run's comparison).
# The JIT needs about a minute of full load on 2 cores before the server runs at its steady speed.
# One pool of tokens serves every run: replay protection is per store, and every run starts on an
# empty one. Minting takes about 1 s per 1,600 tokens; tokens are valid for an hour.
set -euo pipefail
cd "$(dirname "$0")/.."
stores=${1:-"h2 postgres"}
duration=${DURATION:-30}
warmup=${WARMUP:-60}
tokens=${TOKENS:-480000}
read -ra cryptos <<< "${CRYPTOS:-accp jdk}"
limit_seconds=${LIMIT_SECONDS:-10}
server_opts=${SERVER_JAVA_OPTS-$(bin/default-jvm-options)}
read -ra jdks <<< "${JDKS:-${JAVA_HOME:-PATH}}"
java_of() { if [ "$1" = PATH ]; then echo java; else echo "$1/bin/java"; fi; }
version_of() { "$(java_of "$1")" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.version = //p'; }

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else
    echo "wrk is needed: sudo apt-get install wrk" >&2; exit 1; fi
fi
[ -f idp-server/target/idp-server.jar ] && [ -f benchmarks/target/benchmarks.jar ] \
  || ./mvnw -B -q -ntp -DskipTests package

fixture_java=$(java_of "${jdks[0]}")
free_port() { "$fixture_java" -cp benchmarks/target/benchmarks.jar dev.sentryagent.idp.benchmarks.FreePort; }
tmp=$(mktemp -d /tmp/idp-load-XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

api_port=$(free_port)
api="http://127.0.0.1:$api_port"
gh_port=$(free_port)
databases=0; case " $stores " in *" postgres "*) databases=$(( ${#jdks[@]} * ${#cryptos[@]} )) ;; esac
echo "minting $tokens tokens..."
"$fixture_java" -cp benchmarks/target/benchmarks.jar dev.sentryagent.idp.benchmarks.LoadFixture \
  "$gh_port" "$api" "$tokens" "$tmp/tokens.txt" "$databases" > "$tmp/fixture.log" 2>&1 &
fixture=$!
pids+=($fixture)
while [ ! -f "$tmp/tokens.txt.ready" ]; do
  kill -0 "$fixture" 2>/dev/null || { echo "the load fixture failed:" >&2; cat "$tmp/fixture.log" >&2; exit 1; }
  sleep 1
done
cat "$tmp/fixture.log"
mapfile -t pg_urls < "$tmp/tokens.txt.ready"

# The physical limit: OpenSSL on every core, ES256 sign (ecdsap256) and RS256 verify (rsa2048).
limit=""
if [ "$limit_seconds" != 0 ]; then
  openssl speed -multi "$(nproc)" -seconds "$limit_seconds" ecdsap256 rsa2048 > "$tmp/openssl.txt" 2>/dev/null
  # "rsa 2048 bits <sign s> <verify s> <sign/s> <verify/s>", " 256 bits ecdsa (nistp256) <..> <..> <sign/s> <verify/s>"
  rsa_verify=$(awk '/^rsa 2048 bits/ {print $NF}' "$tmp/openssl.txt")
  ec_sign=$(awk '/ecdsa \(nistp256\)/ {print $(NF - 1)}' "$tmp/openssl.txt")
  [ -n "$rsa_verify" ] && [ -n "$ec_sign" ] || { echo "openssl speed failed:" >&2; cat "$tmp/openssl.txt" >&2; exit 1; }
  limit=$(awk -v s="$ec_sign" -v v="$rsa_verify" 'BEGIN {printf "%.0f", 1 / (1 / s + 1 / v)}')
  limit_line="physical_limit (openssl speed -multi $(nproc), $(openssl version | cut -d' ' -f1-2)): ES256 sign $ec_sign/s, RS256 verify $rsa_verify/s, limit $limit exchanges/s"
  echo "$limit_line"
fi
# limit_pct RPS: the share of the physical limit, as a " limit_pct=N" field (empty without a limit).
limit_pct() { [ -z "$limit" ] || awk -v r="$1" -v l="$limit" 'BEGIN {printf " limit_pct=%.1f", 100 * r / l}'; }

# Each phase of a server run gets its own slice of the pool, sized by its share of the time.
total_secs=$((warmup + 2 * duration))
warm_to=$((tokens * warmup / total_secs))
c16_to=$((warm_to + tokens * duration / total_secs))
results=${RESULTS:-benchmarks/results}
mkdir -p "$results"

# drive CONCURRENCY SECONDS FROM TO [CYCLE]: wrk against $api with pool lines FROM..TO; prints its
# RESULT line without the word RESULT. CYCLE=1 lets the slice come round again (HTTP floor only).
drive() {
  local line
  line=$(TOKENS="$tmp/tokens.txt" TOKEN_FROM=$3 TOKEN_TO=$4 WRK_THREADS=2 TOKEN_CYCLE=${5:-0} \
    wrk -t2 -c"$1" -d"$2s" --timeout 10s -s benchmarks/exchange.lua "$api" | grep '^RESULT')
  echo "${line#RESULT }"
}
rps_of() { echo "$1" | sed -n 's/.* rps=\([0-9.]*\).*/\1/p'; }
# jmh WHAT BENCHMARK ARGS...: one run of benchmarks.jar on $java; prints "score error units" from
# JMH's summary row (Benchmark, parameters, Mode "thrpt", Cnt, Score, ±, Error, Units), or stops the
# script with the end of JMH's output when there is none. Assign its output (var=$(jmh ...)) so
# that set -e sees the failure.
jmh() {
  local what=$1 name=$2 line
  shift 2
  "$java" -jar benchmarks/target/benchmarks.jar "$name" "$@" > "$tmp/jmh.txt" 2>&1 || true
  line=$(awk -v name="$name" 'index($1, name) == 1 {for (i = 1; i <= NF; i++)
    if ($i == "thrpt") print $(i + 2), $(i + 4), $(i + 5)}' "$tmp/jmh.txt")
  [ -n "$line" ] || { echo "the $what run failed:" >&2; tail -20 "$tmp/jmh.txt" >&2; exit 1; }
  echo "$line"
}

jdk_run=0
for home in "${jdks[@]}"; do
  java=$(java_of "$home")
  jdk=$(version_of "$home")
  report="$results/load-jdk$jdk.txt"
  echo "# load benchmark $(date -u +%FT%TZ), JDK $jdk, $(nproc) cores, warm-up ${warmup}s, ${duration}s per concurrency, server -Xmx128m $server_opts" | tee "$report"
  [ -z "$limit" ] || echo "$limit_line" >> "$report"
  declare -A ceilings=()
  if [ "${CEILING:-1}" = 1 ]; then
    for crypto in "${cryptos[@]}"; do
      score=$(jmh "JMH ceiling" CryptoBenchmark.ceilingVerifyPlusSign -p algorithm=ES256 \
        -f 1 -wi 3 -w 5s -i 5 -r 5s -jvmArgsAppend "-Didp.crypto=$crypto")
      read -r ceiling error units <<< "$score"
      ceilings[$crypto]=$ceiling
      echo "ceiling crypto=$crypto (JMH, RS256 verify + ES256 sign, 2 threads): $ceiling ± $error $units$(limit_pct "$ceiling")" \
        | tee -a "$report"
    done
  fi

  # The library in process: TokenExchanger.exchange on 2 threads, H2 (in memory), audit on, no HTTP:
  # what the server's request path adds shows as the gap between this line and the server's.
  if [ "${INPROCESS:-1}" = 1 ]; then
    for crypto in "${cryptos[@]}"; do
      # Each 3 s iteration spends distinct tokens (minting with the JDK's RSA is slow, and so is the
      # exchange). The heap is 1 GiB, not the server's 128 MiB: it holds the token pool and the
      # in-memory database.
      pool=80000; [ "$crypto" = accp ] || pool=30000
      score=$(jmh "in-process exchange" ExchangeBenchmark.exchangeOn2Threads -p store=h2 -p audit=on \
        -p pool=$pool -f 1 -wi 4 -w 3s -i 3 -r 3s -jvmArgsAppend "-Xmx1g -Didp.crypto=$crypto")
      read -r score error units <<< "$score"
      echo "in_process crypto=$crypto (JMH, TokenExchanger.exchange, H2 in memory, audit on, 2 threads): $score ± $error $units$(limit_pct "$score")" \
        | tee -a "$report"
    done
  fi

  if [ "${FLOOR:-1}" = 1 ]; then
    "$java" -Xmx128m $server_opts -cp benchmarks/target/benchmarks.jar dev.sentryagent.idp.benchmarks.HttpFloor \
      "$api_port" > "$tmp/floor.log" 2>&1 &
    floor=$!
    pids+=($floor)
    until curl -sf "$api/health" >/dev/null; do sleep 0.5; done
    for phase in warmup 16; do
      secs=$duration; label="concurrency=16"
      [ "$phase" = warmup ] && { secs=$(( (warmup + 2) / 3 )); label="warmup concurrency=16"; }
      # Nothing is stored, so the pool's tokens may come round again.
      result=$(drive 16 "$secs" 1 "$warm_to" 1)
      best=""
      if [ "$phase" = 16 ]; then
        for crypto in "${!ceilings[@]}"; do
          best+=" best_possible_pct_$crypto=$(awk -v f="$(rps_of "$result")" -v c="${ceilings[$crypto]}" \
            'BEGIN {printf "%.0f", 100 * f / (c + f)}')"
        done
      fi
      echo "http_floor $label $result$best$(limit_pct "$(rps_of "$result")")" | tee -a "$report"
    done
    kill "$floor"; wait "$floor" 2>/dev/null || true
  fi

  # measure STORE CRYPTO DB_URL DB_USER JAR LABEL: one server run (warm-up, c16, c64) and its rows.
  measure() {
    local store=$1 crypto=$2 db_url=$3 db_user=$4 jar=$5 label=$6 server phase conc secs from to result rss share tag
    IDP_CRYPTO_PROVIDER=$crypto IDP_PORT=$api_port IDP_ISSUER=$api IDP_DB_URL=$db_url IDP_DB_USER=$db_user \
    IDP_ADMIN_TOKEN=load-benchmark-admin-secret-0123456789 IDP_GITHUB_ISSUER="http://127.0.0.1:$gh_port" \
      "$java" -Xmx128m $server_opts -jar "$jar" > "$tmp/server-$store-$crypto-$label.log" 2>&1 &
    server=$!
    pids+=($server)
    until curl -sf "$api/health" >/dev/null; do sleep 0.5; done
    curl -sf -X POST "$api/api/v1/oidc/trust-policies" -H 'Authorization: Bearer load-benchmark-admin-secret-0123456789' \
      -H 'Content-Type: application/json' -d '{"repository":"octo-org/octo-repo"}' >/dev/null
    tag=""; [ "$label" = current ] || tag=" jar=$label"
    for phase in warmup 16 64; do
      case $phase in
        warmup) conc=16; secs=$warmup; from=1; to=$warm_to ;;
        16) conc=16; secs=$duration; from=$((warm_to + 1)); to=$c16_to ;;
        64) conc=64; secs=$duration; from=$((c16_to + 1)); to=$tokens ;;
      esac
      echo 5 > "/proc/$server/clear_refs" 2>/dev/null || true   # reset the peak-RSS mark
      result=$(drive "$conc" "$secs" "$from" "$to")
      rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
      share=""
      [ -n "${ceilings[$crypto]:-}" ] && share=" ceiling_pct=$(awk -v r="$(rps_of "$result")" -v c="${ceilings[$crypto]}" \
        'BEGIN {printf "%.0f", 100 * r / c}')"
      local what="concurrency=$conc"; [ "$phase" = warmup ] && what="warmup concurrency=$conc"
      echo "store=$store crypto=$crypto$tag $what $result$share$(limit_pct "$(rps_of "$result")") peak_rss_mb=$((rss / 1024))" \
        | tee -a "$report"
    done
    grep -q "crypto=$( [ "$crypto" = accp ] && echo AmazonCorrettoCryptoProvider || echo Sun)" "$tmp/server-$store-$crypto-$label.log" \
      || { echo "the server did not run with crypto provider $crypto:" >&2; cat "$tmp/server-$store-$crypto-$label.log" >&2; exit 1; }
    kill "$server"; wait "$server" 2>/dev/null || true
  }

  for store in $stores; do
   crypto_run=0
   for crypto in "${cryptos[@]}"; do
    run=$((jdk_run * ${#cryptos[@]} + crypto_run))
    crypto_run=$((crypto_run + 1))
    if [ "$store" = postgres ]; then db_url=${pg_urls[$run]}; db_user=postgres
    else db_url="jdbc:h2:file:$tmp/h2-$run"; db_user=""; fi
    measure "$store" "$crypto" "$db_url" "$db_user" idp-server/target/idp-server.jar current
   done
  done
  # Other builds side by side (e.g. the server before a change), on the first JDK, H2, the first provider.
  if [ "$jdk_run" = 0 ]; then
    for entry in ${COMPARE:-}; do
      measure h2 "${cryptos[0]}" "jdbc:h2:file:$tmp/h2-compare-${entry%%=*}" "" "${entry#*=}" "${entry%%=*}"
    done
  fi
  jdk_run=$((jdk_run + 1))
done
