/**
 * A local fake of GitHub Actions' OIDC token service, for the project's tests and for users'
 * own integration tests: real keys, real HTTP on loopback, tokens valid and forged.
 */
package dev.sentryagent.idp.testkit;
