package dev.sentryagent.idp.core.spi;

/** Everything the IdP persists, from one store. */
public interface IdpStore {

    /** {@return the trust policies, the same object on every call} */
    TrustPolicyRepository trustPolicies();

    /** {@return the agents, the same object on every call} */
    AgentRepository agents();

    /** {@return the record of exchanged tokens, the same object on every call} */
    ReplayGuard replayGuard();

    /** {@return this IdP's signing keys, the same object on every call} */
    SigningKeyStore signingKeys();

    /** {@return the revoked access tokens, shared by every server on this store; the same object on every call} */
    RevocationList revocations();

    /** {@return the audit events, the same object on every call} */
    AuditLog auditLog();

    /**
     * Checks that the store answers.
     *
     * @throws dev.sentryagent.idp.core.UnavailableException when it does not
     */
    void checkHealth();
}
