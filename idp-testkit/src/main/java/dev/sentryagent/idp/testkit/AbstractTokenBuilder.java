package dev.sentryagent.idp.testkit;

import java.security.Key;
import java.security.KeyPair;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * What minting a token of any fake issuer has in common: the times ({@code iat}, {@code exp}),
 * the JOSE header, signing with the issuer's current key, and the {@code forge...} variants that
 * make the attacks a verifier must refuse. {@link GitHubTokenBuilder} and
 * {@link GitLabTokenBuilder} add their platform's claim set.
 *
 * <p>Not thread-safe: one builder per token. Only this package extends it.
 *
 * @param <B> the concrete builder, which every setter returns so that calls chain
 */
public abstract class AbstractTokenBuilder<B extends AbstractTokenBuilder<B>> {
    private static final RsaJsonWebKey ATTACKER_KEY;

    static {
        try {
            ATTACKER_KEY = RsaJwkGenerator.generateJwk(2048);
            ATTACKER_KEY.setKeyId("attacker-key");
        } catch (JoseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AbstractFakeIssuer<?> issuer;
    private final Map<String, Object> headers = new LinkedHashMap<>();
    private final Duration defaultLifetime;
    private final Duration expiredAgo;
    private Instant issuedAt;
    private Duration lifetime;
    private String kid;
    private boolean noKid;

    /**
     * @param issuer whose current key signs
     * @param clock whose current second is the default {@code iat}
     * @param defaultLifetime the default time from {@code iat} to {@code exp}, as the platform issues
     * @param expiredAgo how long before now {@link #expired()} makes {@code exp}
     */
    AbstractTokenBuilder(AbstractFakeIssuer<?> issuer, Clock clock, Duration defaultLifetime, Duration expiredAgo) {
        this.issuer = issuer;
        this.issuedAt = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        this.defaultLifetime = defaultLifetime;
        this.lifetime = defaultLifetime;
        this.expiredAgo = expiredAgo;
    }

    /**
     * Any claim, overriding the defaults; {@code null} removes it.
     *
     * @param name the claim's name
     * @param value its JSON value (string, number, boolean, list or map); {@code null} removes the claim
     * @return this builder
     */
    public abstract B claim(String name, Object value);

    /**
     * The claims as the JSON text that is signed.
     *
     * @return the JSON object text, exactly the bytes {@link #mint()} signs
     */
    public abstract String payload();

    /**
     * The {@code jti} claim; default a fresh random UUID per builder.
     *
     * @param jti the token id, e.g. one already used, to test replay; {@code null} removes it
     * @return this builder
     */
    public B jti(String jti) {
        return claim("jti", jti);
    }

    /**
     * The {@code iss} claim; default the fake issuer's own URL.
     *
     * @param iss the issuer the token claims, e.g. another instance's URL; {@code null} removes it
     * @return this builder
     */
    public B issuer(String iss) {
        return claim("iss", iss);
    }

    /**
     * One audience, or several (an array); default the issuer's default audience.
     *
     * @param audiences the {@code aud} values; one makes a string, more make an array
     * @return this builder
     */
    public B audience(String... audiences) {
        return claim("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
    }

    /**
     * The {@code iat} claim, which {@code nbf} and {@code exp} follow; default the clock's current second.
     *
     * @param iat when the token claims to have been issued
     * @return this builder
     */
    public B issuedAt(Instant iat) {
        this.issuedAt = iat;
        return self();
    }

    /**
     * {@code exp} this long after {@code iat}; default the platform's lifetime.
     *
     * @param lifetime the time from {@code iat} to {@code exp}
     * @return this builder
     */
    public B lifetime(Duration lifetime) {
        this.lifetime = lifetime;
        return self();
    }

    /**
     * Issued and expired in the past, with the platform's lifetime (GitHub: issued fifteen minutes
     * ago, expired ten minutes ago; GitLab: issued two hours ago, expired one hour ago).
     *
     * @return this builder
     */
    public B expired() {
        this.issuedAt = issuedAt.minus(expiredAgo).minus(defaultLifetime);
        this.lifetime = defaultLifetime;
        return self();
    }

    /**
     * {@code nbf} ten minutes ahead.
     *
     * @return this builder
     */
    public B notYetValid() {
        return claim("nbf", issuedAt.plus(Duration.ofMinutes(10)).getEpochSecond());
    }

    /**
     * An extra JOSE header, e.g. {@code jku} or {@code crit}.
     *
     * @param name the header's name
     * @param value its JSON value
     * @return this builder
     */
    public B header(String name, Object value) {
        headers.put(name, value);
        return self();
    }

    /**
     * A {@code kid} header other than the signing key's.
     *
     * @param kid the key id to put in the header
     * @return this builder
     */
    public B kid(String kid) {
        this.kid = kid;
        return self();
    }

    /**
     * No {@code kid} header.
     *
     * @return this builder
     */
    public B withoutKid() {
        this.noKid = true;
        return self();
    }

    /**
     * The claims as they would be signed.
     *
     * @return a new claim set each call, parsed from {@link #payload()}; changing it does not change the
     *     builder
     */
    public JwtClaims claims() {
        try {
            return JwtClaims.parse(payload());
        } catch (InvalidJwtException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A token signed, as the platform would, by the issuer's current key.
     *
     * @return the compact JWS
     */
    public String mint() {
        RsaJsonWebKey key = issuer.currentKey();
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, key.getPrivateKey(),
                noKid ? null : kid != null ? kid : key.getKeyId());
    }

    /**
     * {@code alg: none}, no signature.
     *
     * @return the compact JWS, with an empty signature part
     */
    public String forgeAlgNone() {
        return sign(AlgorithmIdentifiers.NONE, null, issuer.currentKey().getKeyId());
    }

    /**
     * HS256 keyed with the issuer's public key: the classic algorithm-confusion attack.
     *
     * @return the compact JWS
     */
    public String forgeHmacWithPublicKey() {
        return sign(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(issuer.currentKey().getPublicKey().getEncoded()),
                issuer.currentKey().getKeyId());
    }

    /**
     * Signed by an attacker's RSA key, with the {@code kid} of the issuer's real key.
     *
     * @return the compact JWS
     */
    public String forgeUnknownKeyWithKnownKid() {
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), issuer.currentKey().getKeyId());
    }

    /**
     * Signed by an attacker's key, which a {@code jwk} header embeds.
     *
     * @return the compact JWS
     */
    public String forgeEmbeddedJwk() {
        headers.put("jwk", ATTACKER_KEY.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), ATTACKER_KEY.getKeyId());
    }

    /**
     * Signed by an attacker's key, with a {@code jku} header pointing at {@code url}.
     *
     * @param url where the header says the signing key can be fetched
     * @return the compact JWS
     */
    public String forgeJku(String url) {
        headers.put("jku", url);
        return sign(AlgorithmIdentifiers.RSA_USING_SHA256, ATTACKER_KEY.getPrivateKey(), ATTACKER_KEY.getKeyId());
    }

    /**
     * Signed by the issuer's real key but with another asymmetric algorithm's name (e.g. PS256).
     *
     * @param alg the JWS algorithm name to sign with and put in the header
     * @return the compact JWS
     */
    public String forgeAlgorithm(String alg) {
        return sign(alg, issuer.currentKey().getPrivateKey(), issuer.currentKey().getKeyId());
    }

    /**
     * Signed by the issuer's real key, then the signature re-encoded with base64 padding ({@code =}): the
     * same bytes, a second spelling of the token.
     *
     * @return the compact JWS with a padded signature part
     */
    public String forgePaddedSignature() {
        String token = mint();
        int dot = token.lastIndexOf('.');
        String signature = token.substring(dot + 1);
        return token.substring(0, dot + 1) + signature + "=".repeat((4 - signature.length() % 4) % 4);
    }

    /**
     * The attacker's key pair the forged variants sign with, for tests that need one.
     *
     * @return the attacker's RSA key pair, the same one for the whole JVM
     */
    public static KeyPair attackerKeyPair() {
        return new KeyPair(ATTACKER_KEY.getPublicKey(), ATTACKER_KEY.getPrivateKey());
    }

    /** The issuer's current signing key. */
    RsaJsonWebKey currentKey() {
        return issuer.currentKey();
    }

    /** The {@code iat} the token gets. */
    Instant iat() {
        return issuedAt;
    }

    /** The {@code exp} the token gets. */
    Instant exp() {
        return issuedAt.plus(lifetime);
    }

    /** Signs {@link #payload()} with the extra headers, whatever {@code alg} and {@code key}; no {@code kid} if null. */
    String sign(String alg, Key key, String keyId) {
        return sign(payload().getBytes(StandardCharsets.UTF_8), alg, key, keyId);
    }

    /** As {@link #sign(String, Key, String)}, over any bytes, valid UTF-8 or not. */
    String sign(byte[] payload, String alg, Key key, String keyId) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayloadBytes(payload);
        jws.setAlgorithmHeaderValue(alg);
        jws.setHeader("typ", "JWT");
        if (keyId != null) {
            jws.setKeyIdHeaderValue(keyId);
        }
        headers.forEach((name, value) -> jws.getHeaders().setObjectHeaderValue(name, value));
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        jws.setDoKeyValidation(false);
        if (key != null) {
            jws.setKey(key);
        }
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the test token", e);
        }
    }

    @SuppressWarnings("unchecked") // B is the subclass itself: only this package's final classes extend this one
    private B self() {
        return (B) this;
    }
}
