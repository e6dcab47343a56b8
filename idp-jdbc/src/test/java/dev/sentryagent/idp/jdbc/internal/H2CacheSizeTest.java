package dev.sentryagent.idp.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class H2CacheSizeTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void fileUrlGetsAThirtySecondOfTheHeapInKiB() {
        assertThat(H2Files.withCacheSizedToHeap("jdbc:h2:file:./data/idp", 128 * MIB))
                .isEqualTo("jdbc:h2:file:./data/idp;CACHE_SIZE=4096");
        assertThat(H2Files.withCacheSizedToHeap("jdbc:h2:~/idp;MODE=PostgreSQL", 1024 * MIB))
                .isEqualTo("jdbc:h2:~/idp;MODE=PostgreSQL;CACHE_SIZE=32768");
    }

    @Test
    void sizeStaysBetweenOneAnd64MiB() {
        assertThat(H2Files.withCacheSizedToHeap("jdbc:h2:file:/db", 16 * MIB)).endsWith(";CACHE_SIZE=1024");
        assertThat(H2Files.withCacheSizedToHeap("jdbc:h2:file:/db", 64 * 1024 * MIB)).endsWith(";CACHE_SIZE=65536");
    }

    @Test
    void urlThatSetsItsOwnCacheSizeInAnyCaseIsLeftAlone() {
        assertThat(H2Files.withCacheSizedToHeap("jdbc:h2:file:/db;cache_size=100", 128 * MIB))
                .isEqualTo("jdbc:h2:file:/db;cache_size=100");
    }

    @Test
    void memoryServerAndOtherDatabasesAreLeftAlone() {
        for (String url : new String[] {"jdbc:h2:mem:x;DB_CLOSE_DELAY=-1", "jdbc:h2:tcp://localhost/~/idp",
                "jdbc:postgresql://localhost/idp"}) {
            assertThat(H2Files.withCacheSizedToHeap(url, 128 * MIB)).isEqualTo(url);
        }
    }

    @Test
    void closeOnExitIsTurnedOffForH2UrlsThatDoNotSetIt() {
        assertThat(H2Files.withoutCloseOnExit("jdbc:h2:file:/db;CACHE_SIZE=4096"))
                .isEqualTo("jdbc:h2:file:/db;CACHE_SIZE=4096;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(H2Files.withoutCloseOnExit("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(H2Files.withoutCloseOnExit("jdbc:h2:file:/db;db_close_on_exit=true"))
                .isEqualTo("jdbc:h2:file:/db;db_close_on_exit=true");
        assertThat(H2Files.withoutCloseOnExit("jdbc:postgresql://localhost/idp")).isEqualTo("jdbc:postgresql://localhost/idp");
    }
}
