/**
 * Thread-safe in-memory storage: for tests, and for a single process that may forget its
 * policies, agents and keys at restart.
 */
package dev.sentryagent.idp.core.memory;
