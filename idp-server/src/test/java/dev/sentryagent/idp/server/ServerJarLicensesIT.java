package dev.sentryagent.idp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shaded server jar carries what its bundled dependencies' licenses ask for: this project's
 * license, a list of every bundled third-party artifact with its license, each artifact's own
 * license files (none overwriting another), and the merged NOTICE.
 */
class ServerJarLicensesIT {
    /** An artifact as the third-party list names it: {@code (group:artifact:version - url)}. */
    private static final Pattern LISTED = Pattern.compile("\\(([^:() ]+):([^:() ]+):([^:() ]+) - ");

    @Test
    void whenJarBundlesAnArtifactThenThirdPartyListNamesIt() throws IOException {
        try (JarFile jar = new JarFile(ServerProcess.jar().toFile())) {
            Set<String> bundled = new TreeSet<>();
            for (JarEntry entry : jar.stream().toList()) {
                if (entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.properties")) {
                    Properties pom = new Properties();
                    try (InputStream in = jar.getInputStream(entry)) {
                        pom.load(in);
                    }
                    if (!pom.getProperty("groupId").equals("dev.sentryagent.idp")) {
                        bundled.add(pom.getProperty("groupId") + ":" + pom.getProperty("artifactId"));
                    }
                }
            }
            assertThat(bundled).as("bundled artifacts found through their pom.properties")
                    .contains("com.fasterxml.jackson.core:jackson-databind", "ch.qos.logback:logback-classic",
                            "org.flywaydb:flyway-core", "org.eclipse.jetty:jetty-server");

            Set<String> listed = listed(read(jar, "META-INF/THIRD-PARTY.txt"));
            listed.addAll(listed(read(jar, "META-INF/THIRD-PARTY-INLINED.txt")));
            assertThat(listed).containsAll(bundled)
                    .contains("com.h2database:h2", "org.postgresql:postgresql", "org.bitbucket.b_c:jose4j", "io.javalin:javalin",
                            "org.eclipse.jetty:jetty-server", "com.zaxxer:HikariCP", "org.jdbi:jdbi3-core");
        }
    }

    @Test
    void whenJarIsBuiltThenItsLicenseIsTheProjectsAndEachDependencysLicenseFilesAreKeptApart() throws IOException {
        try (JarFile jar = new JarFile(ServerProcess.jar().toFile())) {
            assertThat(read(jar, "META-INF/LICENSE")).isEqualTo(Files.readString(Path.of("..", "LICENSE")));

            Set<String> artifactsWithLicenses = new TreeSet<>();
            for (JarEntry entry : jar.stream().toList()) {
                String name = entry.getName();
                if (name.startsWith("META-INF/licenses/") && !entry.isDirectory()
                        && name.substring(name.lastIndexOf('/') + 1).toUpperCase().startsWith("LICENSE")) {
                    artifactsWithLicenses.add(name.split("/")[2]);
                    assertThat(read(jar, name)).as(name).isNotBlank();
                }
            }
            // These jars ship their own license files: each must survive shading under its own name.
            assertThat(artifactsWithLicenses).contains("postgresql", "jackson-core", "jackson-databind",
                    "jackson-annotations", "slf4j-api", "flyway-core", "javalin");

            assertThat(read(jar, "META-INF/licenses/postgresql/META-INF/LICENSE")).contains("PostgreSQL Global Development Group");
            assertThat(read(jar, "META-INF/NOTICE")).contains("Jackson");
        }
    }

    private static Set<String> listed(String thirdParty) {
        Set<String> listed = new TreeSet<>();
        Matcher m = LISTED.matcher(thirdParty);
        while (m.find()) {
            listed.add(m.group(1) + ":" + m.group(2));
        }
        return listed;
    }

    private static String read(JarFile jar, String name) throws IOException {
        JarEntry entry = jar.getJarEntry(name);
        assertThat(entry).as(name + " in " + jar.getName()).isNotNull();
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
