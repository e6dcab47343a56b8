/** Implementation details of the HTTP adapter; not API. */
package dev.sentryagent.idp.javalin.internal;
