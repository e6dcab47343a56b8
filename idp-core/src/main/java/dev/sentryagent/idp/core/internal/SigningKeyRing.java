package dev.sentryagent.idp.core.internal;

import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.SigningKeyInfo;
import dev.sentryagent.idp.core.spi.SigningKey;
import dev.sentryagent.idp.core.spi.SigningKeyStore;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This IdP's signing keys: which one signs now, and which ones the JWKS publishes.
 *
 * <p>Keys live in the store, so every server sharing it sees the same ring (each reloads at most
 * every {@code refresh}). A new key is published at once but signs only after
 * {@code activationDelay}, so that every server publishes it before any token carries it. A key
 * that has been replaced stays published for {@code retention} (the longest token lifetime plus
 * skew), so rotation never breaks a token already issued; after that it is deleted from the store,
 * private key and all, by the first server that reloads the ring.
 *
 * <p>An explicit {@link #rotate()} is the exception to "published before it signs": the new key
 * signs on this server at once (the operator rotates because the old key must stop signing), and
 * on every other server once it reloads and the activation delay has passed. Until a server has
 * reloaded, a token signed with the new key reaches it with an unknown {@code kid}: its
 * {@link #verificationKeyResolver()} then reloads the ring (at most once a second) instead of
 * refusing the token. A resource server that caches our JWKS and does not refetch on an unknown
 * {@code kid} refuses such tokens until its cache expires (the JWKS says max-age 30 s).
 */
public final class SigningKeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyRing.class);

    /**
     * A stored key, decoded, with what signing with it needs: jose4j's algorithm and the encoded
     * JWS header of access tokens ({@code alg}, {@code kid}, {@code typ}), built once.
     */
    public record LoadedKey(SigningKey stored, SigningAlgorithm algorithm, PrivateKey privateKey,
                            PublicJsonWebKey publicJwk, JsonWebSignatureAlgorithm jws, String encodedHeader) {
        public String kid() {
            return stored.kid();
        }
    }

    private record Ring(List<LoadedKey> keys, Instant loadedAt) {
    }

    private final SigningKeyStore store;
    private final SigningAlgorithm algorithm;
    private final String tokenType;
    private final Duration retention;
    private final Duration rotation;
    private final Duration refresh;
    private final Duration activationDelay;
    private final Clock clock;
    private volatile Ring ring;
    private volatile String rotatedKid;
    private volatile Instant lastUnknownKidReload = Instant.EPOCH;

    /** {@code tokenType} is the {@code typ} header of every token the ring's keys sign. */
    public SigningKeyRing(SigningKeyStore store, SigningAlgorithm algorithm, String tokenType, Duration retention,
                          Duration rotation, Duration refresh, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.algorithm = algorithm;
        this.tokenType = Objects.requireNonNull(tokenType, "tokenType");
        this.retention = retention;
        this.rotation = rotation;
        this.refresh = refresh;
        this.activationDelay = refresh.multipliedBy(2);
        this.clock = clock;
    }

    /** The key that signs now; creates the first key, and rotates when the current one is old. */
    public LoadedKey current() {
        Ring r = fresh();
        Instant now = clock.instant();
        LoadedKey active = active(r, now);
        if (active == null || active.stored().createdAt().plus(rotation).isBefore(now) && newestOf(r) == active) {
            synchronized (this) {
                r = load();
                active = active(r, now);
                if (active == null || active.stored().createdAt().plus(rotation).isBefore(now) && newestOf(r) == active) {
                    boolean first = active == null;
                    add(now);
                    r = load();
                    active = first ? newestOf(r) : active(r, now);
                }
            }
        }
        return active;
    }

    /**
     * Adds a new key now; it signs on this server from now on, on the others once they reload
     * (see the class comment).
     */
    public synchronized LoadedKey rotate() {
        load();
        SigningKey key = add(clock.instant());
        rotatedKid = key.kid();
        Ring r = load();
        return r.keys().stream().filter(k -> k.kid().equals(key.kid())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the new signing key " + key.kid() + " cannot be loaded"));
    }

    /** The published keys, newest first, with which one signs now. */
    public List<SigningKeyInfo> describe() {
        LoadedKey active = current();
        List<SigningKeyInfo> out = new ArrayList<>();
        for (LoadedKey key : published()) {
            out.add(new SigningKeyInfo(key.kid(), key.algorithm().jwsName(), key.stored().createdAt(),
                    key.kid().equals(active.kid())));
        }
        return out;
    }

    /**
     * Resolves the key of an access token's {@code kid} among the published keys; an unknown
     * {@code kid} reloads the ring first (at most once a second, so forged kids cannot flood the
     * store), as another server may have just rotated.
     */
    public VerificationKeyResolver verificationKeyResolver() {
        return (jws, nestingContext) -> {
            String kid = jws.getKeyIdHeaderValue();
            for (int attempt = 0; attempt < 2; attempt++) {
                for (LoadedKey key : published()) {
                    if (key.kid().equals(kid)) {
                        return key.publicJwk().getKey();
                    }
                }
                if (attempt == 0 && !reloadForUnknownKid()) {
                    break;
                }
            }
            throw new UnresolvableKeyException("no published signing key has kid " + Names.quote(kid));
        };
    }

    private synchronized boolean reloadForUnknownKid() {
        Instant now = clock.instant();
        if (now.isBefore(lastUnknownKidReload.plusSeconds(1))) {
            return false;
        }
        lastUnknownKidReload = now;
        load();
        return true;
    }

    /** The public keys to publish, newest first. */
    public List<LoadedKey> published() {
        current();
        Ring r = fresh();
        Instant now = clock.instant();
        List<LoadedKey> keys = r.keys();
        List<LoadedKey> out = new ArrayList<>();
        for (int i = keys.size() - 1; i >= 0; i--) {
            boolean last = i == keys.size() - 1;
            if (last || keys.get(i + 1).stored().createdAt().plus(activationDelay).plus(retention).isAfter(now)) {
                out.add(keys.get(i));
            }
        }
        return out;
    }

    /** The published public keys, newest first. */
    public List<JsonWebKey> publishedJwks() {
        List<JsonWebKey> jwks = new ArrayList<>();
        for (LoadedKey key : published()) {
            jwks.add(key.publicJwk());
        }
        return jwks;
    }

    /** The published keys as a JWKS document. */
    public String jwksJson() {
        return new JsonWebKeySet(publishedJwks()).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private LoadedKey active(Ring r, Instant now) {
        LoadedKey newest = null;
        LoadedKey rotated = null;
        for (LoadedKey key : r.keys()) {
            if (key.algorithm() != algorithm) {
                continue;
            }
            if (!key.stored().createdAt().plus(activationDelay).isAfter(now) || newest == null) {
                newest = key;
            }
            if (key.kid().equals(rotatedKid)) {
                rotated = key;
            }
        }
        // The key this server rotated to signs at once, unless a newer one has become active since.
        if (rotated != null && (newest == null || !newest.stored().createdAt().isAfter(rotated.stored().createdAt()))) {
            return rotated;
        }
        return newest;
    }

    private LoadedKey newestOf(Ring r) {
        LoadedKey newest = null;
        for (LoadedKey key : r.keys()) {
            if (key.algorithm() == algorithm) {
                newest = key;
            }
        }
        return newest;
    }

    private Ring fresh() {
        Ring r = ring;
        if (r == null || r.loadedAt().plus(refresh).isBefore(clock.instant())) {
            synchronized (this) {
                r = ring;
                if (r == null || r.loadedAt().plus(refresh).isBefore(clock.instant())) {
                    r = load();
                }
            }
        }
        return r;
    }

    private Ring load() {
        List<LoadedKey> keys = new ArrayList<>();
        for (SigningKey stored : store.loadAll()) {
            try {
                SigningAlgorithm alg = SigningAlgorithm.fromJwsName(stored.algorithm());
                PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(alg.decodePublic(stored.publicKey()));
                jwk.setKeyId(stored.kid());
                jwk.setAlgorithm(alg.jwsName());
                jwk.setUse("sig");
                PrivateKey privateKey = alg.decodePrivate(stored.privateKey());
                JsonWebSignatureAlgorithm jws = CompactJws.algorithm(alg.jwsName());
                requirePair(stored.kid(), jws, privateKey, jwk);
                keys.add(new LoadedKey(stored, alg, privateKey, jwk, jws,
                        CompactJws.header(alg.jwsName(), stored.kid(), tokenType)));
            } catch (GeneralSecurityException | JoseException | IllegalArgumentException e) {
                LOG.warn("signing-key kid={} cannot be decoded and is skipped: {}", stored.kid(), e.getMessage());
            }
        }
        keys.sort(Comparator.comparing((LoadedKey k) -> k.stored().createdAt()).thenComparing(LoadedKey::kid));
        retire(keys);
        Ring r = new Ring(List.copyOf(keys), clock.instant());
        ring = r;
        return r;
    }

    /**
     * Deletes from the store, and from {@code keys}, every key that no token it signed can still
     * be valid for: replaced longer ago than the activation delay plus the retention. The same rule
     * as {@link #published()}, so a key leaves the JWKS and the store together.
     */
    private void retire(List<LoadedKey> keys) {
        Instant now = clock.instant();
        List<LoadedKey> retired = new ArrayList<>();
        for (int i = 0; i < keys.size() - 1; i++) {
            if (!keys.get(i + 1).stored().createdAt().plus(activationDelay).plus(retention).isAfter(now)) {
                retired.add(keys.get(i));
            }
        }
        keys.removeAll(retired);
        for (LoadedKey old : retired) {
            try {
                if (store.delete(old.kid())) {
                    LOG.info("signing-key kid={} retired: every token it signed has expired; private key deleted",
                            old.kid());
                }
            } catch (RuntimeException e) {
                LOG.warn("signing-key kid={} could not be deleted; will try again: {}", old.kid(), e.getMessage());
            }
        }
    }

    /**
     * Refuses a stored key whose public key is not its private key's: the JWKS would publish one
     * key while tokens are signed with another (or the public key column was swapped to verify an
     * attacker's tokens). Signs a probe and verifies it.
     *
     * @throws IllegalStateException naming the kid
     */
    private static void requirePair(String kid, JsonWebSignatureAlgorithm jws, PrivateKey privateKey,
                                    PublicJsonWebKey publicJwk) {
        boolean pair;
        try {
            String probe = CompactJws.sign(jws, privateKey, CompactJws.header(jws.getAlgorithmIdentifier(), kid, "probe"),
                    "{\"probe\":true}");
            pair = CompactJws.verify(jws, publicJwk.getPublicKey(), CompactJws.Parts.split(probe));
        } catch (JoseException | RuntimeException e) {
            pair = false;
        }
        if (!pair) {
            throw new IllegalStateException("signing key " + kid + " is refused: its public key does not belong to "
                    + "its private key (the signing_keys row was altered)");
        }
    }

    private SigningKey add(Instant now) {
        // A new key is always strictly newer than every stored key, so "newest" is never a tie;
        // in milliseconds, as stores keep them (else two keys of one millisecond would tie once stored).
        now = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Ring r = ring;
        if (r != null && !r.keys().isEmpty()) {
            Instant newest = r.keys().get(r.keys().size() - 1).stored().createdAt();
            if (!now.isAfter(newest)) {
                now = newest.plusMillis(1);
            }
        }
        KeyPair pair = algorithm.generateKeyPair();
        SigningKey key = new SigningKey(UUID.randomUUID().toString(), algorithm.jwsName(),
                pair.getPrivate().getEncoded(), pair.getPublic().getEncoded(), now);
        store.add(key);
        LOG.info("signing-key kid={} algorithm={} created", key.kid(), key.algorithm());
        return key;
    }
}
