import * as core from '@actions/core';
import { ActionError, apiBaseUrl, exchange, postJson, requireOidcEnvironment, retryOptions } from '../../shared/idp.js';

/** Bootstrap exchange, then registers a new agent with the bootstrap token. */
export async function run(env = process.env) {
  const input = (name, required = false) => {
    try {
      return core.getInput(name, { required });
    } catch (e) {
      throw new ActionError(e.message);
    }
  };
  try {
    const apiUrl = apiBaseUrl(input('api-url', true));
    const name = input('name', true);
    const description = input('description');
    const audience = input('audience') || apiUrl;
    requireOidcEnvironment(env);

    const oidcTokens = [];
    const getOidcToken = async () => {
      try {
        const token = await core.getIDToken(audience);
        oidcTokens.push(token);
        return token;
      } catch (e) {
        throw new ActionError(`Failed to obtain a GitHub OIDC token: ${e.message}`);
      }
    };
    const options = { ...retryOptions(env), debug: core.debug };
    const bootstrap = await exchange(apiUrl, getOidcToken, '', options);
    core.setSecret(bootstrap.access_token); // before anything else touches the token
    const body = description ? { name, description } : { name };
    const agent = await postJson(`${apiUrl}/api/v1/agents`, body, {
      ...options,
      bearer: bootstrap.access_token,
      secrets: [bootstrap.access_token, ...oidcTokens],
    });
    core.setOutput('agent-id', agent.agentId);
    core.info(`Registered agent "${agent.name}" with id ${agent.agentId}`);
  } catch (e) {
    core.setFailed(e instanceof ActionError ? e.message : `register-agent failed: ${e.message}`);
  }
}
