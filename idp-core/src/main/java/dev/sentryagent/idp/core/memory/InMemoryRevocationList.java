package dev.sentryagent.idp.core.memory;

import dev.sentryagent.idp.core.spi.RevocationList;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link RevocationList} in memory, for one process; part of {@link InMemoryStore}. */
public final class InMemoryRevocationList implements RevocationList {
    private final ConcurrentHashMap<String, Instant> revoked = new ConcurrentHashMap<>();

    @Override
    public void revoke(String jti, Instant expiresAt) {
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(expiresAt, "expiresAt");
        revoked.merge(jti, expiresAt, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public boolean isRevoked(String jti) {
        return jti != null && revoked.containsKey(jti);
    }

    @Override
    public int purgeExpired(Instant now, int max) {
        int n = 0;
        for (Iterator<Map.Entry<String, Instant>> it = revoked.entrySet().iterator(); it.hasNext() && n < max; ) {
            if (it.next().getValue().isBefore(now)) {
                it.remove();
                n++;
            }
        }
        return n;
    }
}
