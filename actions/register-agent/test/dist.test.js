import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { assertMaskedFirst, runAction, startGitHubOidc, startServer } from '../../shared/test-support.js';

const ACTION = join(dirname(fileURLToPath(import.meta.url)), '..');
const BOOTSTRAP = 'eyJhbGciOiJFUzI1NiJ9.eyJzY29wZSI6ImFnZW50czp3cml0ZSJ9.bootstrap-token-signature';
const AGENT = '2fda56e2-91e8-4d57-9f94-c07606982f7a';

let github;
let idp;
let agents;
const ISSUER = 'https://idp.example.com';
let metadata = () => ({ json: { issuer: ISSUER, token_endpoint: `${ISSUER}/api/v1/oidc/token` } });

before(async () => {
  github = await startGitHubOidc();
  idp = await startServer((req) => {
    if (req.url === '/.well-known/oauth-authorization-server') {
      return metadata(req);
    }
    if (req.url === '/api/v1/oidc/token') {
      return { json: { access_token: BOOTSTRAP, scope: 'agents:write', expires_at: '2026-11-27T18:00:00Z' } };
    }
    return agents(req);
  });
});

after(async () => {
  await github.close();
  await idp.close();
});

test('bootstrap exchange, then registration with the masked bootstrap token', async () => {
  agents = (req) => ({ status: 201, json: { agentId: AGENT, name: JSON.parse(req.body).name, createdBy: 'github:o/r@refs/heads/main' } });
  const before = idp.requests.length;
  const r = await runAction(ACTION, { 'api-url': idp.url, name: 'deployer', description: 'ships it' }, github.env);

  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.outputs['agent-id'], AGENT);
  assertMaskedFirst(assert, r.stdout, BOOTSTRAP);
  const [discovery, exchange, register] = idp.requests.slice(before);
  assert.equal(discovery.method, 'GET');
  assert.equal(discovery.url, '/.well-known/oauth-authorization-server');
  assert.equal(JSON.parse(exchange.body).agentId, undefined, 'bootstrap mode sends no agentId');
  assert.equal(JSON.parse(exchange.body).audience, ISSUER, 'the bootstrap token is asked for the IdP itself');
  assert.equal(register.url, '/api/v1/agents');
  assert.equal(register.headers.authorization, `Bearer ${BOOTSTRAP}`);
  assert.deepEqual(JSON.parse(register.body), { name: 'deployer', description: 'ships it' });
  assert.match(r.stdout, /Registered agent "deployer" with id 2fda56e2-91e8-4d57-9f94-c07606982f7a/);
});

test('registration refused: fails with the server description, never the token', async () => {
  agents = () => ({ status: 403, json: { error: 'insufficient_scope', error_description: 'The access token lacks scope agents:write' } });
  const r = await runAction(ACTION, { 'api-url': idp.url, name: 'deployer' }, github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::HTTP 403 insufficient_scope: The access token lacks scope agents:write/);
  assertMaskedFirst(assert, r.stdout, BOOTSTRAP);
  assert.equal(r.outputs['agent-id'], undefined);
});

test('no OIDC permission: explains id-token: write', async () => {
  const r = await runAction(ACTION, { 'api-url': idp.url, name: 'deployer' }, {});
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Add "permissions: id-token: write"/);
});

test('missing name fails', async () => {
  const r = await runAction(ACTION, { 'api-url': idp.url }, github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::Input required and not supplied: name/);
});

test('registration answered 502, retried, refused as already used: says the agent may exist, with the first failure', async () => {
  let calls = 0;
  agents = () => {
    calls += 1;
    return calls === 1
      ? { status: 502, json: { error: 'bad_gateway', error_description: 'upstream reset' } }
      : { status: 401, json: { error: 'invalid_token', error_description: 'The bootstrap token was already used: each bootstrap token registers one agent' } };
  };
  const r = await runAction(ACTION, { 'api-url': idp.url, name: 'deployer' }, github.env);
  assert.equal(r.code, 1);
  assert.equal(calls, 2, 'a 4xx ends the retries');
  assert.match(r.stdout, /::error::Registering the agent failed \(HTTP 502 bad_gateway: upstream reset\), and the retry was refused \(HTTP 401 invalid_token: The bootstrap token was already used: each bootstrap token registers one agent\): the bootstrap token is single use, so the first attempt may have registered agent "deployer"\. Check GET \/api\/v1\/agents before running the job again\./);
  assertMaskedFirst(assert, r.stdout, BOOTSTRAP);
  assert.equal(r.outputs['agent-id'], undefined);
});

test('registration refused on the first attempt: the server description alone, no talk of an earlier attempt', async () => {
  agents = () => ({ status: 401, json: { error: 'invalid_token', error_description: 'The bootstrap token was already used: each bootstrap token registers one agent' } });
  const r = await runAction(ACTION, { 'api-url': idp.url, name: 'deployer' }, github.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /::error::HTTP 401 invalid_token: The bootstrap token was already used: each bootstrap token registers one agent\n/);
});

test('metadata without an issuer: fails before any OIDC token is asked for', async () => {
  const minted = github.requests.length;
  metadata = () => ({ json: { token_endpoint: 'x' } });
  try {
    const r = await runAction(ACTION, { 'api-url': idp.url, name: 'deployer' }, github.env);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /::error::http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-authorization-server answered without an issuer: is api-url this IdP's base URL\?/);
    assert.equal(github.requests.length, minted, 'no OIDC token minted');
  } finally {
    metadata = () => ({ json: { issuer: ISSUER } });
  }
});
