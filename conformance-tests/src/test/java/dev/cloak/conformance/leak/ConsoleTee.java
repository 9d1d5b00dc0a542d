package dev.cloak.conformance.leak;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a console stream to the capture, a line at a time: lines printed while Cloak code is on the stack to
 * the checked file, others (test output, slf4j-simple's copy of log lines the log capture has judged already)
 * apart. Bytes are decoded as UTF-8, which is also what the wrapping PrintStream is made to write.
 */
final class ConsoleTee extends OutputStream {

    private final PrintStream original;
    private final CaptureFile underCloak;
    private final CaptureFile outside;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private ConsoleTee(PrintStream original, CaptureFile underCloak, CaptureFile outside) {
        this.original = original;
        this.underCloak = underCloak;
        this.outside = outside;
    }

    /** A UTF-8 PrintStream that writes to {@code original} and to the capture. */
    static PrintStream around(PrintStream original, CaptureFile underCloak, CaptureFile outside) {
        return new PrintStream(new ConsoleTee(original, underCloak, outside), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        original.write(b);
        capture(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        // one call downstream, as the caller made it: surefire keeps a line of test output together
        original.write(b, off, len);
        for (int i = off; i < off + len; i++) {
            capture(b[i]);
        }
    }

    private void capture(int b) {
        if (b == '\n') {
            (CloakFrames.onStack() ? underCloak : outside).record(line.toString(StandardCharsets.UTF_8));
            line.reset();
        } else {
            line.write(b);
        }
    }

    @Override
    public void flush() {
        original.flush();
    }
}
