import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { assertMaskedFirst, runAction, startGitHubOidc, startServer } from '../../shared/test-support.js';

const ACTION = join(dirname(fileURLToPath(import.meta.url)), '..');
const AGENT = '2fda56e2-91e8-4d57-9f94-c07606982f7a';
const ACCESS = 'eyJhbGciOiJFUzI1NiJ9.eyJzY29wZSI6ImFnZW50In0.issued-access-token-signature';

let github;
let idp;
let behaviour;

before(async () => {
  github = await startGitHubOidc();
  idp = await startServer((req) => behaviour(req));
});

after(async () => {
  await github.close();
  await idp.close();
});

function inputs(extra = {}) {
  return { 'api-url': idp.url, 'agent-id': AGENT, ...extra };
}

test('success: masks the token before any use, outputs it and its expiry', async () => {
  behaviour = () => ({ json: { access_token: ACCESS, token_type: 'Bearer', expires_in: 900,
    expires_at: '2026-11-27T18:00:00Z', scope: 'agent', agent_id: AGENT } });
  const before = idp.requests.length;
  const r = await runAction(ACTION, inputs(), { ...github.env, RUNNER_DEBUG: '1' });

  assert.equal(r.code, 0, r.stdout + r.stderr);
  assertMaskedFirst(assert, r.stdout, ACCESS);
  assert.equal(r.outputs['access-token'], ACCESS);
  assert.equal(r.outputs['expires-at'], '2026-11-27T18:00:00Z');
  const sent = JSON.parse(idp.requests[before].body);
  assert.equal(idp.requests[before].url, '/api/v1/oidc/token');
  assert.equal(sent.agentId, AGENT);
  assert.equal(sent.provider, 'github');
  assertMaskedFirst(assert, r.stdout, sent.token); // the OIDC token is masked too, by getIDToken
  assert.match(r.stdout, /::debug::POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/oidc\/token \(attempt 1 of 4\)/);
});

test('audience defaults to api-url without a trailing slash; an explicit one is passed through', async () => {
  behaviour = () => ({ json: { access_token: ACCESS, expires_at: '2026-11-27T18:00:00Z' } });
  let r = await runAction(ACTION, inputs({ 'api-url': `${idp.url}/` }), github.env);
  assert.equal(r.code, 0, r.stdout);
  let asked = new URL(github.requests.at(-1).url, 'http://x');
  assert.equal(asked.searchParams.get('audience'), idp.url);
  assert.equal(asked.searchParams.get('api-version'), '2.0');

  r = await runAction(ACTION, inputs({ audience: 'https://custom.example' }), github.env);
  assert.equal(r.code, 0, r.stdout);
  asked = new URL(github.requests.at(-1).url, 'http://x');
  assert.equal(asked.searchParams.get('audience'), 'https://custom.example');
});

test('access-token-audience is sent as the exchange\'s audience; absent, no audience is sent', async () => {
  behaviour = () => ({ json: { access_token: ACCESS, expires_at: '2026-11-27T18:00:00Z' } });
  let before = idp.requests.length;
  let r = await runAction(ACTION, inputs({ 'access-token-audience': 'https://deploy.example.com' }), github.env);
  assert.equal(r.code, 0, r.stdout);
  let sent = JSON.parse(idp.requests[before].body);
  assert.equal(sent.audience, 'https://deploy.example.com');
  assert.equal(sent.agentId, AGENT);
  const asked = new URL(github.requests.at(-1).url, 'http://x');
  assert.equal(asked.searchParams.get('audience'), idp.url, 'the OIDC token\'s audience is still the IdP\'s');

  before = idp.requests.length;
  r = await runAction(ACTION, inputs(), github.env);
  assert.equal(r.code, 0, r.stdout);
  sent = JSON.parse(idp.requests[before].body);
  assert.equal('audience' in sent, false);
});

test('an access-token-audience no policy lists fails the step with the server\'s invalid_target', async () => {
  behaviour = () => ({ status: 400, json: { error: 'invalid_target', error_description: 'audience '
    + '"https://other.example" is not permitted: it must be this IdP\'s issuer or one of the audiences of an '
    + 'admitting policy (https://deploy.example.com)' } });
  const before = idp.requests.length;
  const r = await runAction(ACTION, inputs({ 'access-token-audience': 'https://other.example' }), github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^::error::HTTP 400 invalid_target: audience "https:\/\/other\.example" is not permitted/m);
  assert.equal(idp.requests.length - before, 1);
});

test('403 fails the step with the server description, without retrying', async () => {
  behaviour = () => ({ status: 403, json: { error: 'access_denied',
    error_description: 'Branch not permitted: branch dev is not permitted; the trust policies for repository o/r permit branches main' } });
  const before = idp.requests.length;
  const r = await runAction(ACTION, inputs(), github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^::error::HTTP 403 access_denied: Branch not permitted: branch dev is not permitted/m);
  assert.equal(idp.requests.length - before, 1);
  assert.equal(r.outputs['access-token'], undefined);
});

test('5xx is retried with a fresh OIDC token each time, then succeeds', async () => {
  let calls = 0;
  behaviour = () => (++calls <= 2
    ? { status: 503, json: { error: 'temporarily_unavailable', error_description: 'The store is unavailable' } }
    : { json: { access_token: ACCESS, expires_at: '2026-11-27T18:00:00Z' } });
  const before = idp.requests.length;
  const r = await runAction(ACTION, inputs(), github.env);
  assert.equal(r.code, 0, r.stdout);
  const tokens = idp.requests.slice(before).map((q) => JSON.parse(q.body).token);
  assert.equal(tokens.length, 3);
  assert.equal(new Set(tokens).size, 3, 'each attempt exchanges a new OIDC token');
});

test('5xx every time: fails after the retries with the last description', async () => {
  behaviour = () => ({ status: 500, json: { error: 'server_error', error_description: 'Internal server error' } });
  const before = idp.requests.length;
  const r = await runAction(ACTION, inputs(), github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::HTTP 500 server_error: Internal server error/);
  assert.equal(idp.requests.length - before, 4);
});

test('network error is retried, then fails naming the cause', async () => {
  const closed = await startServer(() => ({}));
  await closed.close();
  const r = await runAction(ACTION, inputs({ 'api-url': closed.url }), github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/oidc\/token failed: ECONNREFUSED/);
  assert.equal(github.requests.filter((q) => q.url.includes(encodeURIComponent(closed.url))).length, 4);
});

test('a server that echoes the token in its error still never prints it', async () => {
  behaviour = (req) => ({ status: 400, json: { error: 'invalid_request', error_description: `bad token ${JSON.parse(req.body).token}` } });
  const r = await runAction(ACTION, inputs(), github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::HTTP 400 invalid_request: bad token \*\*\*/);
});

test('no ACTIONS_ID_TOKEN_REQUEST_URL: tells the user to add id-token: write', async () => {
  const r = await runAction(ACTION, inputs(), {});
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::Failed to obtain a GitHub OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set\. Add "permissions: id-token: write"/);
  assert.match(r.stdout, /pull requests from forks never get an OIDC token/);
});

test('api-url over plain http off loopback is refused before anything is sent', async () => {
  const before = github.requests.length;
  const r = await runAction(ACTION, inputs({ 'api-url': 'http://idp.example.com' }), github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::api-url must use https \(plain http only on loopback\), got "http:\/\/idp\.example\.com"/);
  assert.equal(github.requests.length, before);
});

test('agent-id that is not a UUID is refused', async () => {
  const r = await runAction(ACTION, inputs({ 'agent-id': 'my-agent' }), github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::agent-id must be a UUID, got "my-agent"/);
});

test('missing required input fails', async () => {
  const r = await runAction(ACTION, { 'api-url': idp.url }, github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::Input required and not supplied: agent-id/);
});

test('a redirect fails the step at once, naming where it points, and the token is not sent on', async () => {
  const elsewhere = await startServer(() => ({ json: { access_token: 'stolen' } }));
  try {
    behaviour = () => ({ status: 308, headers: { Location: `${elsewhere.url}/api/v1/oidc/token` } });
    const before = idp.requests.length;
    const minted = github.requests.length;
    const r = await runAction(ACTION, inputs(), github.env);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /::error::POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/oidc\/token answered a redirect \(HTTP 308 to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/oidc\/token\): set api-url to the IdP's own base URL; tokens are never sent on to another address/);
    assert.equal(idp.requests.length - before, 1, 'not retried');
    assert.equal(github.requests.length - minted, 1, 'one OIDC token minted');
    assert.equal(elsewhere.requests.length, 0, 'nothing sent to the redirect target');
  } finally {
    await elsewhere.close();
  }
});

test('api-url with a user name and password is refused without printing them', async () => {
  const before = github.requests.length;
  const r = await runAction(ACTION, inputs({ 'api-url': 'https://deploy:s3cr3t-pass@idp.example.com' }), github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::api-url must not contain a user name or password: the job's OIDC token is the only credential the IdP needs/);
  assert.ok(!r.stdout.includes('s3cr3t-pass'), r.stdout);
  assert.equal(github.requests.length, before, 'no OIDC token minted');
});
