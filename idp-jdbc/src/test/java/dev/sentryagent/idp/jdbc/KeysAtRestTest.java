package dev.sentryagent.idp.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentryagent.idp.core.GitHubProvider;
import dev.sentryagent.idp.core.SigningAlgorithm;
import dev.sentryagent.idp.core.TokenExchanger;
import dev.sentryagent.idp.core.spi.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Private signing keys at rest (contract v2, section 6): file modes, wrapping, and the attacks on them. */
class KeysAtRestTest {
    static final String IDP = "https://idp.example.test";

    @TempDir
    Path dir;

    static byte[] kek() {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        return kek;
    }

    static void update(String url, String sql, Object... values) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "", "");
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
        }
    }

    static TokenExchanger exchanger(JdbcStore store) {
        return TokenExchanger.builder().issuer(IDP).store(store)
                .provider(GitHubProvider.builder().issuer("https://token.actions.githubusercontent.com").audience(IDP)
                        .build())
                .build();
    }

    /** Inserts a signing key as a store would, its private key in {@code stored}. */
    static void insertKey(String url, String kid, KeyPair pair, String stored) throws Exception {
        update(url, "INSERT INTO signing_keys (kid, algorithm, private_key, public_key, created_at) VALUES (?, ?, ?, ?, ?)",
                kid, "ES256", stored, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                System.currentTimeMillis());
    }

    @Test
    void whenStoreCreatesTheH2DirectoryThenItIsOwnerOnlyAndSoAreTheDatabaseFiles() throws Exception {
        Path data = dir.resolve("fresh").resolve("data");
        String url = "jdbc:h2:file:" + data.resolve("idp");
        try (JdbcStore store = JdbcStore.builder().url(url).build()) {
            exchanger(store).accessTokenIssuer().jwksJson(); // a private key is now in the file
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("idp.mv.db"))))
                .isEqualTo("rw-------");
    }

    @Test
    void whenTheOperatorMadeTheDirectoryThenH2sTraceFileIsStillOwnerOnlyAndH2AppendsToIt() throws Exception {
        Path data = Files.createDirectories(dir.resolve("operator").resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        String url = "jdbc:h2:file:" + data.resolve("idp");
        try (JdbcStore store = JdbcStore.builder().url(url).build()) {
            exchanger(store).accessTokenIssuer().jwksJson();
        }
        Path trace = data.resolve("idp.trace.db");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trace))).isEqualTo("rw-------");
        // An error H2 traces lands in that file, which keeps its mode.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url + ";TRACE_LEVEL_FILE=3")) {
            assertThatThrownBy(() -> c.createStatement().execute("SELECT * FROM no_such_table"))
                    .isInstanceOf(java.sql.SQLException.class);
        }
        assertThat(Files.size(trace)).isPositive();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trace))).isEqualTo("rw-------");
    }

    @Test
    void whenKekConfiguredAndPlainRowPlantedThenStartRefusedNamingItsKid() throws Exception {
        String url = TestDatabases.h2Url();
        byte[] kek = kek();
        try (JdbcStore store = JdbcStore.builder().url(url).keyEncryptionKey(kek).build()) {
            exchanger(store).accessTokenIssuer().jwksJson();
        }
        KeyPair attacker = SigningAlgorithm.ES256.generateKeyPair();
        insertKey(url, "planted-kid", attacker,
                "plain:" + Base64.getEncoder().encodeToString(attacker.getPrivate().getEncoded()));

        assertThatThrownBy(() -> JdbcStore.builder().url(url).keyEncryptionKey(kek).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("signing key planted-kid is stored unwrapped although a key-encryption key is configured: "
                        + "refusing to use a key that may have been planted; if it is yours, delete its row from "
                        + "signing_keys and a new key is created");
    }

    @Test
    void whenWrappedRowsPublicKeySwappedThenStartRefused() throws Exception {
        String url = TestDatabases.h2Url();
        byte[] kek = kek();
        String kid;
        try (JdbcStore store = JdbcStore.builder().url(url).keyEncryptionKey(kek).build()) {
            exchanger(store).accessTokenIssuer().jwksJson();
            kid = store.signingKeys().loadAll().get(0).kid();
        }
        KeyPair attacker = SigningAlgorithm.ES256.generateKeyPair();
        update(url, "UPDATE signing_keys SET public_key = ? WHERE kid = ?",
                Base64.getEncoder().encodeToString(attacker.getPublic().getEncoded()), kid);

        assertThatThrownBy(() -> JdbcStore.builder().url(url).keyEncryptionKey(kek).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("signing key " + kid + " cannot be unwrapped with the configured key-encryption key, "
                        + "or its kid, algorithm or public key was changed");
    }

    @Test
    void whenPublicKeyDoesNotBelongToPrivateKeyThenKeyRingRefusesIt() throws Exception {
        String url = TestDatabases.h2Url();
        String kid;
        try (JdbcStore store = JdbcStore.builder().url(url).build()) {
            exchanger(store).accessTokenIssuer().jwksJson();
            kid = store.signingKeys().loadAll().get(0).kid();
        }
        KeyPair attacker = SigningAlgorithm.ES256.generateKeyPair();
        update(url, "UPDATE signing_keys SET public_key = ? WHERE kid = ?",
                Base64.getEncoder().encodeToString(attacker.getPublic().getEncoded()), kid);

        try (JdbcStore store = JdbcStore.builder().url(url).build()) {
            assertThatThrownBy(() -> exchanger(store).accessTokenIssuer().jwksJson())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("signing key " + kid + " is refused: its public key does not belong to its private key "
                            + "(the signing_keys row was altered)");
        }
    }

    @Test
    void whenRowWrappedByVersion1ThenItLoadsAndIsWrappedAgainBoundToItsPublicKey() throws Exception {
        String url = TestDatabases.h2Url();
        byte[] kek = kek();
        try (JdbcStore store = JdbcStore.builder().url(url).keyEncryptionKey(kek).build()) {
            store.signingKeys().loadAll(); // schema only
        }
        KeyPair pair = SigningAlgorithm.ES256.generateKeyPair();
        insertKey(url, "v1-kid", pair, wrapVersion1(kek, "v1-kid", pair.getPrivate().getEncoded()));

        try (JdbcStore store = JdbcStore.builder().url(url).keyEncryptionKey(kek).build()) {
            List<SigningKey> keys = store.signingKeys().loadAll();
            assertThat(keys).singleElement().satisfies(k -> {
                assertThat(k.kid()).isEqualTo("v1-kid");
                assertThat(k.privateKey()).isEqualTo(pair.getPrivate().getEncoded());
            });
            assertThat(exchanger(store).accessTokenIssuer().jwksJson()).contains("v1-kid");
        }
        assertThat(JdbcStoreTest.column(url, "", "SELECT private_key FROM signing_keys")).singleElement()
                .satisfies(v -> assertThat(v).startsWith("aesgcm2:"));
        // now bound: swapping the public key of the migrated row is detected by the wrapping itself
        KeyPair attacker = SigningAlgorithm.ES256.generateKeyPair();
        update(url, "UPDATE signing_keys SET public_key = ? WHERE kid = ?",
                Base64.getEncoder().encodeToString(attacker.getPublic().getEncoded()), "v1-kid");
        assertThatThrownBy(() -> JdbcStore.builder().url(url).keyEncryptionKey(kek).build())
                .hasMessageStartingWith("signing key v1-kid cannot be unwrapped");
    }

    /** The version-1 format: {@code aesgcm:} base64(iv | AES-GCM ciphertext), the kid alone as associated data. */
    static String wrapVersion1(byte[] kek, String kid, byte[] privateKey) throws Exception {
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(privateKey);
        byte[] out = Arrays.copyOf(iv, 12 + sealed.length);
        System.arraycopy(sealed, 0, out, 12, sealed.length);
        return "aesgcm:" + Base64.getEncoder().encodeToString(out);
    }
}
