package dev.grocer.testing;

import java.util.List;

/** What a test reads in captured console output. */
public final class LogLines {

    private LogLines() {
    }

    /**
     * The lines of {@code output} that a person running grocer would have to worry about: warnings, errors,
     * exceptions and stack-trace frames. Empty for a clean start.
     */
    public static List<String> warningsAndStackTraces(String output) {
        return output.lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")
                || line.contains("Exception") || line.startsWith("\tat ")).toList();
    }
}
