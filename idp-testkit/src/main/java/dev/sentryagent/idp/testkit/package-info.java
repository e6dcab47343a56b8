/**
 * Local fakes of GitHub Actions' OIDC token service ({@code FakeOidcIssuer}) and of a GitLab
 * instance's CI ID-token service ({@code FakeGitLabIssuer}), for the project's tests and for
 * users' own integration tests: real keys, real HTTP on loopback, tokens valid and forged.
 */
package dev.sentryagent.idp.testkit;
