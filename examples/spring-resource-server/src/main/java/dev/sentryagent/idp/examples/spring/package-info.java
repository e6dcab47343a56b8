/**
 * A Spring Boot resource server that accepts SentryAgent IdP access tokens: discovery from the
 * IdP's issuer URL, the RFC 9068 {@code at+jwt} type, issuer and audience checks, and scopes as
 * {@code SCOPE_...} authorities.
 */
package dev.sentryagent.idp.examples.spring;
