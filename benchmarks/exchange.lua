-- wrk script: every request exchanges a distinct pre-minted token. Tokens come from the file
-- $TOKENS, lines $TOKEN_FROM..$TOKEN_TO, split among wrk's threads. A token used twice would be a
-- replay (401), which wrk counts as a non-2xx error, never as throughput. TOKEN_CYCLE=1 reuses the
-- slice once it runs out: only for the HTTP floor, which stores nothing.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  local from = tonumber(os.getenv("TOKEN_FROM"))
  local to = tonumber(os.getenv("TOKEN_TO"))
  local threads = tonumber(os.getenv("WRK_THREADS"))
  tokens = {}
  local n = 0
  for line in io.lines(os.getenv("TOKENS")) do
    n = n + 1
    if n > to then break end
    if n >= from and (n % threads) == (id % threads) then
      tokens[#tokens + 1] = line
    end
  end
  idx = 0
  cycle = os.getenv("TOKEN_CYCLE") == "1"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  idx = idx + 1
  local token = tokens[idx]
  if token == nil and cycle then
    token = tokens[(idx - 1) % #tokens + 1]
  end
  token = token or "pool-exhausted"
  return wrk.format(nil, "/api/v1/oidc/token", nil, '{"token":"' .. token .. '"}')
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
