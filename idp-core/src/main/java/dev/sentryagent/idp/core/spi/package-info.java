/**
 * What users implement: providers of CI OIDC tokens and the storage the IdP needs. The in-memory
 * implementations live in {@code dev.sentryagent.idp.core.memory}, the JDBC ones in idp-jdbc.
 */
package dev.sentryagent.idp.core.spi;
