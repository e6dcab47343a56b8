// Shared by both actions and bundled into each dist/index.js. No dependencies: Node's own fetch.

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * A failure whose message is safe to show in a workflow log. {@code details} of a refused request:
 * {@code status} (HTTP) and {@code earlier} (the error of an earlier attempt of the same request
 * that was retried, when there was one).
 */
export class ActionError extends Error {
  constructor(message, details = {}) {
    super(message);
    Object.assign(this, details);
  }
}

/**
 * The server's base URL without a trailing slash. https is required, except on loopback, so a
 * token never crosses a network in the clear.
 */
export function apiBaseUrl(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new ActionError(`api-url must be an absolute URL such as https://idp.example.com, got "${value}"`);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ActionError(`api-url must use https (plain http only on loopback), got "${value}"`);
  }
  if (url.username || url.password) {
    // Not echoed: the value holds a password. The job's OIDC token is the only credential needed.
    throw new ActionError('api-url must not contain a user name or password: the job\'s OIDC token is the only credential the IdP needs');
  }
  if (url.search || url.hash) {
    throw new ActionError(`api-url must not have a query or fragment, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/** Fails early, and helpfully, where GitHub gives the job no OIDC token. */
export function requireOidcEnvironment(env) {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new ActionError(
      'Failed to obtain a GitHub OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set. ' +
        'Add "permissions: id-token: write" to the workflow or the job. ' +
        'Note that pull requests from forks never get an OIDC token.');
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs JSON and returns the parsed 2xx body. 4xx fails at once with the server's
 * error_description; network errors and 5xx are retried with exponential backoff. {@code body}
 * may be an async function, called once per attempt (an OIDC token is single use, so each
 * attempt gets a fresh one). {@code secrets} are redacted from every message.
 */
export async function postJson(url, body, options = {}) {
  return request('POST', url, body, options);
}

/** GETs JSON and returns the parsed 2xx body; failures and retries as {@link postJson}. */
export async function getJson(url, options = {}) {
  return request('GET', url, undefined, options);
}

async function request(method, url, body, { bearer, secrets = [], attempts = 4, baseDelayMs = 1000, debug = () => {} } = {}) {
  const headers = { Accept: 'application/json' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
  }
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  let lastError;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      const delay = baseDelayMs * 2 ** (attempt - 2);
      debug(`retrying ${method} ${url} in ${delay} ms`);
      await sleep(delay);
    }
    debug(`${method} ${url} (attempt ${attempt} of ${attempts})`);
    const payload = typeof body === 'function' ? await body() : body;
    let response;
    try {
      // manual: a redirect is answered below, never followed (a token must not go on to another address)
      response = await fetch(url, {
        method, headers, body: payload === undefined ? undefined : JSON.stringify(payload), redirect: 'manual',
      });
    } catch (e) {
      lastError = new ActionError(redact(`${method} ${url} failed: ${e.cause?.code ?? e.cause?.message ?? e.message}`, secrets));
      continue;
    }
    const text = await response.text();
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      throw new ActionError(redact(`${method} ${url} answered a redirect (HTTP ${response.status}`
        + `${location ? ` to ${location}` : ''}): set api-url to the IdP's own base URL; tokens are never sent on to another address`,
      secrets), { status: response.status });
    }
    if (response.ok) {
      try {
        return JSON.parse(text);
      } catch {
        throw new ActionError(`${method} ${url} answered HTTP ${response.status} with a body that is not JSON`);
      }
    }
    const error = describe(response.status, text, secrets, lastError);
    if (response.status < 500) {
      throw error;
    }
    lastError = error;
  }
  throw lastError;
}

function describe(status, text, secrets, earlier) {
  let detail = '';
  try {
    const json = JSON.parse(text);
    detail = [json.error, json.error_description].filter(Boolean).join(': ');
  } catch {
    detail = 'no error description';
  }
  return new ActionError(redact(`HTTP ${status} ${detail}`.trim(), secrets), { status, earlier });
}

/** Replaces every occurrence of each secret with ***. */
export function redact(message, secrets) {
  // secrets may grow while a request is in flight: read it when the message is made
  let out = String(message);
  for (const secret of secrets) {
    if (secret && secret.length >= 8) {
      out = out.split(secret).join('***');
    }
  }
  return out;
}

/**
 * Exchanges a GitHub OIDC token from {@code getOidcToken} (called once per attempt: a retried
 * exchange must not replay a token the server may already have spent); bootstrap mode when
 * agentId is empty. {@code options.audience}, when given, asks for an access token for that API.
 */
export async function exchange(apiUrl, getOidcToken, agentId, options = {}) {
  const { audience, ...postOptions } = options;
  const secrets = [];
  const body = async () => {
    const token = await getOidcToken();
    secrets.push(token);
    const request = agentId ? { token, provider: 'github', agentId } : { token, provider: 'github' };
    // The API the access token is for (its aud); absent, the trust policy's audiences decide.
    return audience ? { ...request, audience } : request;
  };
  const result = await postJson(`${apiUrl}/api/v1/oidc/token`, body, { ...postOptions, secrets });
  if (typeof result.access_token !== 'string' || !result.access_token) {
    throw new ActionError('the token endpoint answered without an access_token');
  }
  return result;
}

/** Retry settings, shortened by tests through the environment. */
export function retryOptions(env) {
  const base = Number.parseInt(env.SENTRYAGENT_RETRY_BASE_MS ?? '', 10);
  return { baseDelayMs: Number.isFinite(base) && base >= 0 ? base : 1000 };
}

/** Reads an input with {@code getInput}; a missing required one is an ActionError naming it. */
export function inputReader(getInput) {
  return (name, required = false) => {
    try {
      return getInput(name, { required });
    } catch (e) {
      throw new ActionError(e.message);
    }
  };
}

/**
 * A source of fresh GitHub OIDC tokens for {@code audience} from {@code getIDToken}; every token
 * it hands out is kept in {@code issued}, so messages can be redacted of all of them.
 */
export function oidcTokenSource(getIDToken, audience) {
  const issued = [];
  const next = async () => {
    try {
      const token = await getIDToken(audience);
      issued.push(token);
      return token;
    } catch (e) {
      throw new ActionError(`Failed to obtain a GitHub OIDC token: ${e.message}`);
    }
  };
  return { next, issued };
}
