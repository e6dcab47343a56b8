import * as core from '@actions/core';
import {
  ActionError, apiBaseUrl, exchange, inputReader, oidcTokenSource, requireOidcEnvironment, retryOptions,
} from '../../shared/idp.js';

/** Exchanges this job's GitHub OIDC token for an access token of one agent. */
export async function run(env = process.env) {
  const input = inputReader(core.getInput);
  try {
    const apiUrl = apiBaseUrl(input('api-url', true));
    const agentId = input('agent-id', true);
    if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(agentId)) {
      throw new ActionError(`agent-id must be a UUID, got "${agentId}"`);
    }
    const audience = input('audience') || apiUrl;
    const accessTokenAudience = input('access-token-audience');
    requireOidcEnvironment(env);

    const oidc = oidcTokenSource(core.getIDToken, audience);
    const result = await exchange(apiUrl, oidc.next, agentId,
      { ...retryOptions(env), debug: core.debug, audience: accessTokenAudience || undefined });
    core.setSecret(result.access_token); // before anything else touches the token
    core.setOutput('access-token', result.access_token);
    core.setOutput('expires-at', result.expires_at);
    core.info(`Issued a token for agent ${agentId}, expiring at ${result.expires_at}`);
  } catch (e) {
    core.setFailed(e instanceof ActionError ? e.message : `issue-token failed: ${e.message}`);
  }
}
