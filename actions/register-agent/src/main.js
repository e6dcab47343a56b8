import * as core from '@actions/core';
import {
  ActionError, apiBaseUrl, exchange, getJson, inputReader, oidcTokenSource, postJson, requireOidcEnvironment, retryOptions,
} from '../../shared/idp.js';

/** Bootstrap exchange, then registers a new agent with the bootstrap token. */
export async function run(env = process.env) {
  const input = inputReader(core.getInput);
  try {
    const apiUrl = apiBaseUrl(input('api-url', true));
    const name = input('name', true);
    const description = input('description');
    const audience = input('audience') || apiUrl;
    requireOidcEnvironment(env);

    const options = { ...retryOptions(env), debug: core.debug };
    // The bootstrap token is for this IdP alone: ask for it with the IdP's issuer as audience,
    // which every policy allows, so a bootstrap policy with its own audiences works too.
    const issuer = await issuerOf(apiUrl, options);
    const oidc = oidcTokenSource(core.getIDToken, audience);
    const bootstrap = await exchange(apiUrl, oidc.next, '', { ...options, audience: issuer });
    core.setSecret(bootstrap.access_token); // before anything else touches the token
    const body = description ? { name, description } : { name };
    let agent;
    try {
      agent = await postJson(`${apiUrl}/api/v1/agents`, body, {
        ...options,
        bearer: bootstrap.access_token,
        secrets: [bootstrap.access_token, ...oidc.issued],
      });
    } catch (e) {
      throw spentByLostAttempt(e, name) ?? e;
    }
    core.setOutput('agent-id', agent.agentId);
    core.info(`Registered agent "${agent.name}" with id ${agent.agentId}`);
  } catch (e) {
    core.setFailed(e instanceof ActionError ? e.message : `register-agent failed: ${e.message}`);
  }
}

/** The IdP's issuer, from its RFC 8414 metadata. */
async function issuerOf(apiUrl, options) {
  const metadata = await getJson(`${apiUrl}/.well-known/oauth-authorization-server`, options);
  if (typeof metadata.issuer !== 'string' || !metadata.issuer) {
    throw new ActionError(`${apiUrl}/.well-known/oauth-authorization-server answered without an issuer: is api-url this IdP's base URL?`);
  }
  return metadata.issuer;
}

/**
 * A registration retried after a lost or failed answer, then refused because the single-use
 * bootstrap token was spent: the first attempt may have registered the agent. Says so, with the
 * first failure, instead of the retry's "already used"; null for any other error.
 */
function spentByLostAttempt(e, name) {
  if (!(e instanceof ActionError) || e.status !== 401 || !e.earlier) {
    return null;
  }
  return new ActionError(`Registering the agent failed (${e.earlier.message}), and the retry was refused (${e.message}): `
    + `the bootstrap token is single use, so the first attempt may have registered agent "${name}". `
    + 'Check GET /api/v1/agents before running the job again.');
}
