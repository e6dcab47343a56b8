package dev.sentryagent.idp.core.spi;

/** Everything the IdP persists, from one store. */
public interface IdpStore {

    TrustPolicyRepository trustPolicies();

    AgentRepository agents();

    ReplayGuard replayGuard();

    SigningKeyStore signingKeys();

    /** The revoked access tokens, shared by every server on this store. */
    RevocationList revocations();

    /** The audit events. */
    AuditLog auditLog();

    /**
     * Checks that the store answers.
     *
     * @throws dev.sentryagent.idp.core.UnavailableException when it does not
     */
    void checkHealth();
}
