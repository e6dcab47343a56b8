package dev.sentryagent.idp.core.spi;

import java.util.List;

/**
 * Holds this IdP's signing keys, so that a restart, and every server sharing the store, signs
 * with keys that all of them publish. Private keys are sensitive: see the store's documentation
 * for how they are held at rest.
 */
public interface SigningKeyStore {

    /** {@return every stored key, oldest first; empty for a new store} */
    List<SigningKey> loadAll();

    /**
     * Adds a key; a key with the same kid must not exist.
     *
     * @param key the new key
     */
    void add(SigningKey key);

    /**
     * Deletes a key, private key and all, once no token it signed can still be valid.
     *
     * @param kid the key's id
     * @return false when there was none (another server may have deleted it first)
     */
    boolean delete(String kid);
}
