import * as core from '@actions/core';
import { ActionError, apiBaseUrl, exchange, requireOidcEnvironment, retryOptions } from '../../shared/idp.js';

/** Exchanges this job's GitHub OIDC token for an access token of one agent. */
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
    const agentId = input('agent-id', true);
    if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(agentId)) {
      throw new ActionError(`agent-id must be a UUID, got "${agentId}"`);
    }
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
    const result = await exchange(apiUrl, getOidcToken, agentId, { ...retryOptions(env), debug: core.debug });
    core.setSecret(result.access_token); // before anything else touches the token
    core.setOutput('access-token', result.access_token);
    core.setOutput('expires-at', result.expires_at);
    core.info(`Issued a token for agent ${agentId}, expiring at ${result.expires_at}`);
  } catch (e) {
    core.setFailed(e instanceof ActionError ? e.message : `issue-token failed: ${e.message}`);
  }
}
