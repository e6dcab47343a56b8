/**
 * The storage of idp-core over JDBC: {@link dev.sentryagent.idp.jdbc.JdbcStore} turns a JDBC URL
 * (H2 or PostgreSQL) into ready, migrated repositories.
 */
package dev.sentryagent.idp.jdbc;
