package dev.cloak.conformance.leak;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One file of the capture: records are appended in order, each ending with a newline; flushed on demand. */
final class CaptureFile {

    private final String name;
    private final Path file;
    private final List<String> problems;
    private final AtomicInteger records = new AtomicInteger();
    private final BufferedWriter out;

    /** Creates (or empties) {@code dir/name}; write failures are added to {@code problems}. */
    CaptureFile(Path dir, String name, List<String> problems) {
        this.name = name;
        this.file = dir.resolve(name);
        this.problems = problems;
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("leak capture file " + file, e);
        }
    }

    String name() {
        return name;
    }

    int records() {
        return records.get();
    }

    synchronized void record(String text) {
        try {
            out.write(text);
            if (!text.endsWith("\n")) {
                out.write('\n');
            }
            records.incrementAndGet();
        } catch (IOException e) {
            problems.add("capture file " + name + " could not be written: " + e);
        }
    }

    synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            problems.add("capture file " + name + " could not be flushed: " + e);
        }
    }

    /** Everything recorded so far (flushed first). */
    String read() {
        flush();
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
