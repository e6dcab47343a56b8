/** Implementation details of the JDBC store; not API. */
package dev.sentryagent.idp.jdbc.internal;
