package dev.grocer.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's {@code mvnw}, run against a fake Maven distribution in a local folder (through
 * MVNW_REPOURL and a file address), so it is checked without a network: it verifies the pinned SHA-256,
 * caches the distribution, and says what to install when it has no way to fetch one.
 */
class MavenWrapperTest {

    private static final String VERSION = "0.0.1-test";

    @TempDir
    Path temp;

    private Path project;
    private Path repository;
    private String sha256;

    @BeforeEach
    void fakeDistribution() throws Exception {
        assumeTrue(onPath("curl") != null, "curl is needed to read a file address");
        project = Files.createDirectories(temp.resolve("project/.mvn/wrapper")).getParent().getParent();
        Files.copy(Path.of("mvnw"), project.resolve("mvnw"));

        Path unpacked = Files.createDirectories(temp.resolve("dist/apache-maven-" + VERSION + "/bin"));
        Path fakeMvn = unpacked.resolve("mvn");
        Files.writeString(fakeMvn, "#!/bin/sh\necho \"fake maven $*\"\n");
        Files.setPosixFilePermissions(fakeMvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        repository = temp.resolve("repo");
        Path archive = Files.createDirectories(repository.resolve("org/apache/maven/apache-maven/" + VERSION))
                .resolve("apache-maven-" + VERSION + "-bin.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", archive.toString(), "-C", temp.resolve("dist").toString(),
                "apache-maven-" + VERSION).inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
    }

    private void pin(String sha) throws IOException {
        Files.writeString(project.resolve(".mvn/wrapper/maven.properties"),
                "mavenVersion=" + VERSION + "\ndistributionSha256Sum=" + sha + "\n");
    }

    private record Run(int exitCode, String output) {}

    private Run mvnw(Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", project.resolve("mvnw").toString(), "-v")
                .redirectErrorStream(true);
        builder.environment().put("MAVEN_USER_HOME", temp.resolve("home").toString());
        builder.environment().remove("MVNW_REPOURL");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void installsTheVerifiedDistributionOnceAndRunsIt() throws Exception {
        pin(sha256);

        Run first = mvnw(Map.of("MVNW_REPOURL", repository.toUri().toString()));
        Run cached = mvnw(Map.of("MVNW_REPOURL", temp.resolve("nowhere").toUri().toString()));

        assertThat(first.exitCode()).isZero();
        assertThat(first.output()).endsWith("fake maven -v\n").contains("installing Apache Maven " + VERSION);
        assertThat(cached).isEqualTo(new Run(0, "fake maven -v\n"));
    }

    @Test
    void refusesADistributionWhoseChecksumDiffers() throws Exception {
        pin("0".repeat(64));

        Run run = mvnw(Map.of("MVNW_REPOURL", repository.toUri().toString()));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("mvnw: SHA-256 mismatch for apache-maven-" + VERSION
                + "-bin.tar.gz: expected " + "0".repeat(64) + ", got " + sha256);
        assertThat(temp.resolve("home/wrapper/dists/apache-maven-" + VERSION + "-000000000000/apache-maven-"
                + VERSION)).doesNotExist();
    }

    @Test
    void withoutAnyMavenSaysWhatToInstall() throws Exception {
        pin(sha256);
        Path bin = Files.createDirectories(temp.resolve("bin-without-mvn"));
        for (String tool : List.of("sed", "tr", "head", "cut", "mktemp", "rm", "dirname", "mkdir", "cat")) {
            Path real = onPath(tool);
            if (real != null) {
                Files.createSymbolicLink(bin.resolve(tool), real);
            }
        }

        Run run = mvnw(Map.of("PATH", bin.toString()));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("mvnw: no Maven found to fetch Apache Maven " + VERSION
                + " with. Install any Maven 3");
    }

    private static Path onPath(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }
}
