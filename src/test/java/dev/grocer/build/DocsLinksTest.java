package dev.grocer.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The docs cannot rot: every relative link in README.md and docs/ points at a file that exists, and every
 * {@code #anchor} at a heading of the page it names, with the anchors GitHub makes from headings.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** {@code [text](target)} and {@code ![alt](target)}, the target up to a space or the closing parenthesis. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<Path> pages = pages();
        assertThat(pages).contains(ROOT.resolve("README.md"));
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // https:, mailto: and the like: not ours to check offline
                }
                checked++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
                String where = ROOT.relativize(page) + " -> " + target;
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    broken.add(where + " (no such file)");
                } else if (anchor != null && !anchors.computeIfAbsent(resolved, DocsLinksTest::anchorsOf)
                        .contains(anchor)) {
                    broken.add(where + " (no such heading)");
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(20);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void anchorsAreMadeAsGitHubMakesThem() {
        assertThat(anchorsOf(List.of("# grocer", "## Tokens: the `secure` profile", "### Fast start: an ahead-of-time cache",
                "## Errors", "## Errors", "## Upgrading from Spring Boot 3.5")))
                .containsExactly("grocer", "tokens-the-secure-profile", "fast-start-an-ahead-of-time-cache", "errors",
                        "errors-1", "upgrading-from-spring-boot-35");
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        Path docs = ROOT.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.walk(docs)) {
                files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
            }
        }
        return pages;
    }

    /** The link targets of a Markdown page, outside fenced code blocks and inline code. */
    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher matcher = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (matcher.find()) {
                targets.add(matcher.group(1));
            }
        }
        return targets;
    }

    private static Set<String> anchorsOf(Path page) {
        try {
            return page.toString().endsWith(".md") ? anchorsOf(Files.readAllLines(page)) : Set.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, a repeated one numbered. */
    static Set<String> anchorsOf(List<String> lines) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : lines) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String slug = heading.group(1).toLowerCase(Locale.ROOT)
                    .replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1")
                    .replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-');
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }
}
