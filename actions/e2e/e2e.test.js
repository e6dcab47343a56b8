// register-agent, an admin trust policy, issue-token, and the issued token used against the real
// server: the bundled actions against idp-server.jar, with the testkit's fake GitHub issuer.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runAction, startGitHubOidc } from '../shared/test-support.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER_JAR = join(ROOT, 'idp-server', 'target', 'idp-server.jar');
const FAKE_GITHUB_JAR = join(ROOT, 'idp-testkit', 'target', 'fake-github.jar');
const ADMIN = 'e2e-admin-secret-0123456789-abcdefghijkl';
const REPOSITORY = 'octo-org/octo-repo';
let repository = REPOSITORY;

const processes = [];
let api;
let fakeGitHub;
let runner;
let branch = 'main';

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

function startJava(jar, args, env) {
  const child = spawn('java', ['-Xmx256m', '-jar', jar, ...args], {
    env: { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME ?? '', ...env },
    cwd: mkdtempSync(join(tmpdir(), 'e2e-')),
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const proc = { child, log: () => log };
  processes.push(proc);
  return proc;
}

async function waitFor(url, what, proc) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${what} exited with ${proc.child.exitCode}:\n${proc.log()}`);
    }
    try {
      const r = await fetch(url);
      if (r.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start:\n${proc.log()}`);
}

async function admin(method, path, body) {
  const r = await fetch(`${api}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

before(async () => {
  for (const jar of [SERVER_JAR, FAKE_GITHUB_JAR]) {
    assert.ok(existsSync(jar), `${jar} is missing: build with ./mvnw package (./mvnw verify runs this test after it)`);
  }
  const githubPort = await freePort();
  const apiPort = await freePort();
  api = `http://127.0.0.1:${apiPort}`;
  fakeGitHub = `http://127.0.0.1:${githubPort}`;
  const issuer = startJava(FAKE_GITHUB_JAR, [String(githubPort), api], {});
  await waitFor(`${fakeGitHub}/.well-known/jwks`, 'fake GitHub', issuer);
  const server = startJava(SERVER_JAR, [], {
    IDP_PORT: String(apiPort),
    IDP_ISSUER: api,
    IDP_DB_URL: 'jdbc:h2:mem:e2e;DB_CLOSE_DELAY=-1',
    IDP_ADMIN_TOKEN: ADMIN,
    IDP_GITHUB_ISSUER: fakeGitHub,
  });
  await waitFor(`${api}/health`, 'idp-server.jar', server);
  // The runner's OIDC endpoint, minting through the fake GitHub issuer with the asked audience.
  runner = await startGitHubOidc(async (audience) => {
    const r = await fetch(`${fakeGitHub}/token?repository=${repository}&branch=${branch}&audience=${encodeURIComponent(audience)}`);
    return (await r.text()).trim();
  });
});

after(async () => {
  await runner?.close();
  for (const p of processes) {
    p.child.kill('SIGTERM');
  }
});

function verifyWithServerJwks(jwks, token) {
  const [header, payload, signature] = token.split('.');
  const { kid, alg, typ } = JSON.parse(Buffer.from(header, 'base64url'));
  assert.equal(alg, 'ES256');
  assert.equal(typ, 'at+jwt');
  const jwk = jwks.keys.find((k) => k.kid === kid);
  assert.ok(jwk, `kid ${kid} is published`);
  const ok = verify('sha256', Buffer.from(`${header}.${payload}`), { key: createPublicKey({ key: jwk, format: 'jwk' }),
    dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  assert.ok(ok, 'the signature verifies with the published key');
  return JSON.parse(Buffer.from(payload, 'base64url'));
}

test('register-agent, then a trust policy, then issue-token, then the token at the server', async () => {
  assert.equal((await admin('POST', '/api/v1/oidc/trust-policies', { repository: REPOSITORY })).status, 201);

  const registered = await runAction(join(ROOT, 'actions', 'register-agent'),
    { 'api-url': api, name: 'e2e-agent', description: 'made by register-agent' }, runner.env);
  assert.equal(registered.code, 0, registered.stdout + registered.stderr);
  const agentId = registered.outputs['agent-id'];
  assert.match(agentId, /^[0-9a-f-]{36}$/);
  const agent = await admin('GET', `/api/v1/agents/${agentId}`);
  assert.equal(agent.json.createdBy, `github:${REPOSITORY}@refs/heads/main`);

  const policy = await admin('POST', '/api/v1/oidc/trust-policies', { repository: REPOSITORY, branch: 'main', agentId });
  assert.equal(policy.status, 201);

  const issued = await runAction(join(ROOT, 'actions', 'issue-token'), { 'api-url': api, 'agent-id': agentId }, runner.env);
  assert.equal(issued.code, 0, issued.stdout + issued.stderr);
  const token = issued.outputs['access-token'];
  assert.ok(issued.stdout.includes(`::add-mask::${token}`));
  assert.ok(Date.parse(issued.outputs['expires-at']) > Date.now());

  const jwks = await (await fetch(`${api}/.well-known/jwks.json`)).json();
  const claims = verifyWithServerJwks(jwks, token);
  assert.equal(claims.sub, agentId);
  assert.equal(claims.scope, 'agent');
  assert.equal(claims.iss, api);

  // The server takes it as a valid token of this agent, which may not register agents.
  const r = await fetch(`${api}/api/v1/agents`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'not allowed' }),
  });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).error, 'insufficient_scope');
});

test('issue-token from a branch the policy does not permit fails with the server reason', async () => {
  const agent = await admin('POST', '/api/v1/agents', { name: 'main-only' });
  await admin('POST', '/api/v1/oidc/trust-policies', { repository: REPOSITORY, branch: 'main', agentId: agent.json.agentId });
  branch = 'dev';
  try {
    const r = await runAction(join(ROOT, 'actions', 'issue-token'), { 'api-url': api, 'agent-id': agent.json.agentId }, runner.env);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /::error::HTTP 403 access_denied: Branch not permitted: branch dev is not permitted/);
  } finally {
    branch = 'main';
  }
});

test('issue-token with access-token-audience gets a token for that API alone, as the policy allows', async () => {
  const agent = await admin('POST', '/api/v1/agents', { name: 'deployer' });
  const agentId = agent.json.agentId;
  const policy = await admin('POST', '/api/v1/oidc/trust-policies', { repository: REPOSITORY, agentId,
    audiences: ['https://deploy.example.com', 'https://billing.example.com'], tokenTtl: 'PT5M' });
  assert.equal(policy.status, 201, JSON.stringify(policy.json));

  const issued = await runAction(join(ROOT, 'actions', 'issue-token'),
    { 'api-url': api, 'agent-id': agentId, 'access-token-audience': 'https://billing.example.com' }, runner.env);
  assert.equal(issued.code, 0, issued.stdout + issued.stderr);
  const jwks = await (await fetch(`${api}/.well-known/jwks.json`)).json();
  const claims = verifyWithServerJwks(jwks, issued.outputs['access-token']);
  assert.equal(claims.aud, 'https://billing.example.com');
  assert.equal(claims.policy_id, policy.json.id);
  assert.equal(claims.exp - claims.iat, 300);

  const refused = await runAction(join(ROOT, 'actions', 'issue-token'),
    { 'api-url': api, 'agent-id': agentId, 'access-token-audience': 'https://other.example.com' }, runner.env);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /::error::HTTP 400 invalid_target: audience "https:\/\/other\.example\.com" is not permitted: it must be this IdP's issuer or one of the audiences of an admitting policy \(https:\/\/deploy\.example\.com, https:\/\/billing\.example\.com\)/);
});

test('register-agent under a bootstrap policy with its own audiences: the bootstrap token is asked for this IdP', async () => {
  repository = 'octo-org/aud-repo';
  try {
    const policy = await admin('POST', '/api/v1/oidc/trust-policies', { repository, audiences: ['https://deploy.example.com'] });
    assert.equal(policy.status, 201, JSON.stringify(policy.json));
    const registered = await runAction(join(ROOT, 'actions', 'register-agent'), { 'api-url': api, name: 'aud-agent' }, runner.env);
    assert.equal(registered.code, 0, registered.stdout + registered.stderr);
    const agent = await admin('GET', `/api/v1/agents/${registered.outputs['agent-id']}`);
    assert.equal(agent.json.createdBy, `github:${repository}@refs/heads/main`);
  } finally {
    repository = REPOSITORY;
  }
});
