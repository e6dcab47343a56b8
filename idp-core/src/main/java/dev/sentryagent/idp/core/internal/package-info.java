/** Implementation details; not API, and free to change in any release. */
package dev.sentryagent.idp.core.internal;
