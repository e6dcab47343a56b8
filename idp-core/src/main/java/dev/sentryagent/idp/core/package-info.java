/**
 * The API users call: {@link dev.sentryagent.idp.core.TokenExchanger} exchanges a CI provider's
 * OIDC token for a short-lived access token of this IdP, as the trust policies allow; the value
 * types, the provider for GitHub Actions and the exceptions live here too.
 */
package dev.sentryagent.idp.core;
