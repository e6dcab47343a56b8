// Test support: runs a bundled action as GitHub would (inputs as INPUT_* variables, outputs in
// the GITHUB_OUTPUT file) against local stand-ins for GitHub's OIDC endpoint and the IdP.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A local HTTP server; {@code handler(req, body)} returns {status, json, headers} (or a promise of it). */
export async function startServer(handler) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) {
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const record = { method: req.method, url: req.url, headers: req.headers, body };
    requests.push(record);
    const { status = 200, json = {}, headers = {} } = (await handler(record)) ?? {};
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(json));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * A stand-in for GitHub's OIDC token endpoint: checks the request token and hands out a new
 * JWT-shaped token per call, or whatever {@code mint(audience)} returns.
 */
export async function startGitHubOidc(mint) {
  let n = 0;
  const server = await startServer(async (req) => {
    if (req.headers.authorization !== 'Bearer runtime-request-token') {
      return { status: 401, json: { message: 'bad request token' } };
    }
    const audience = new URL(req.url, 'http://x').searchParams.get('audience');
    n += 1;
    const value = mint ? await mint(audience) : `eyJhbGciOiJSUzI1NiJ9.eyJvaWRjIjoi${n}In0.fake-oidc-signature-${n}`;
    return { json: { value } };
  });
  return {
    ...server,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-request-token',
    },
  };
}

/** Runs {@code dist/index.js} of {@code actionDir}; resolves with {code, stdout, stderr, outputs}. */
export function runAction(actionDir, inputs, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'action-'));
  const outputFile = join(dir, 'github_output');
  writeFileSync(outputFile, '');
  const childEnv = { PATH: process.env.PATH, GITHUB_OUTPUT: outputFile, SENTRYAGENT_RETRY_BASE_MS: '10', ...env };
  for (const [name, value] of Object.entries(inputs)) {
    childEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(actionDir, 'dist', 'index.js')], { env: childEnv, cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, outputs: parseOutputs(readFileSync(outputFile, 'utf8')) }));
  });
}

/** Parses the GITHUB_OUTPUT file format (name<<DELIMITER ... DELIMITER). */
export function parseOutputs(text) {
  const outputs = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) {
        value.push(lines[i]);
      }
      outputs[m[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const [name, ...rest] = lines[i].split('=');
      outputs[name] = rest.join('=');
    }
  }
  return outputs;
}

/**
 * Asserts that {@code secret} shows in {@code stdout} only on ::add-mask:: lines, and that the
 * first of them comes before any other line that could use it. Returns the add-mask line index.
 */
export function assertMaskedFirst(assert, stdout, secret) {
  const lines = stdout.split('\n');
  const maskLine = lines.findIndex((l) => l === `::add-mask::${secret}`);
  assert.ok(maskLine >= 0, `no ::add-mask:: line for the token in:\n${stdout}`);
  lines.forEach((line, i) => {
    if (line.includes(secret)) {
      assert.ok(line.startsWith('::add-mask::'), `token printed unmasked on line ${i}: ${line}`);
    }
  });
  return maskLine;
}
