import * as core from '@actions/core';
import {
  ActionError, apiBaseUrl, exchange, inputReader, oidcTokenSource, postJson, requireOidcEnvironment, retryOptions,
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

    const oidc = oidcTokenSource(core.getIDToken, audience);
    const options = { ...retryOptions(env), debug: core.debug };
    const bootstrap = await exchange(apiUrl, oidc.next, '', options);
    core.setSecret(bootstrap.access_token); // before anything else touches the token
    const body = description ? { name, description } : { name };
    const agent = await postJson(`${apiUrl}/api/v1/agents`, body, {
      ...options,
      bearer: bootstrap.access_token,
      secrets: [bootstrap.access_token, ...oidc.issued],
    });
    core.setOutput('agent-id', agent.agentId);
    core.info(`Registered agent "${agent.name}" with id ${agent.agentId}`);
  } catch (e) {
    core.setFailed(e instanceof ActionError ? e.message : `register-agent failed: ${e.message}`);
  }
}
