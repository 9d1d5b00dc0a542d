package dev.cloak.keyring.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit trail in a JSON Lines file ({@code audit.sink: "file:PATH"}), hash-chained as
 * {@link AuditRecord} describes. Each append takes an exclusive lock on the file, re-reads the last
 * record's {@code seq} and {@code hash} under it, appends, forces the file to disk and only then
 * returns, so threads and processes sharing the file keep one chain. Next to the trail,
 * {@code PATH.head} names the last record, so removing records from the end is detected too.
 * A trail that is damaged, truncated or lost its head is never appended to: the append fails.
 */
public final class FileAuditTrail implements AuditTrail {

    private static final String SINK_PREFIX = "file:";
    private static final int TAIL_CHUNK = 4096;
    private static final Pattern HEAD = Pattern.compile("\\{\"seq\":(\\d{1,18}),\"hash\":\"([0-9a-f]{64})\"}\n");
    // FileChannel.lock excludes other processes only; threads of this JVM on the same file queue here.
    private static final ConcurrentMap<Path, Object> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final Path head;
    private final Object inProcessLock;

    private FileAuditTrail(Path path) {
        this.path = path;
        this.head = headOf(path);
        this.inProcessLock = IN_PROCESS_LOCKS.computeIfAbsent(path, p -> new Object());
    }

    /**
     * Opens the trail named by a sink setting.
     *
     * @param sink {@code file:PATH}
     * @throws AuditException when the sink is not {@code file:PATH} or the file cannot be opened
     */
    public static FileAuditTrail forSink(String sink) throws AuditException {
        return open(sinkPath(sink));
    }

    /**
     * The file a sink setting names.
     *
     * @throws AuditException when the sink is not {@code file:} followed by a valid path
     */
    public static Path sinkPath(String sink) throws AuditException {
        if (sink == null || !sink.startsWith(SINK_PREFIX) || sink.length() == SINK_PREFIX.length()) {
            throw new AuditException("audit sink must be file:PATH");
        }
        try {
            return Path.of(sink.substring(SINK_PREFIX.length()));
        } catch (InvalidPathException e) {
            throw new AuditException("audit sink is not a valid file path", e);
        }
    }

    /**
     * Opens (creating when missing) the trail at {@code path} and checks that it can be appended to.
     *
     * @throws AuditException when the file cannot be created or its last record is damaged
     */
    public static FileAuditTrail open(Path path) throws AuditException {
        Objects.requireNonNull(path, "path");
        Path absolute = path.toAbsolutePath().normalize();
        try {
            if (!Files.exists(absolute)) {
                Files.newByteChannel(absolute, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
            }
            absolute = absolute.toRealPath();
        } catch (IOException e) {
            throw new AuditException("audit trail " + absolute + " cannot be created ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        FileAuditTrail trail = new FileAuditTrail(absolute);
        trail.checkAppendable();
        return trail;
    }

    /** The file that names the last record of the trail at {@code trail}. */
    public static Path headOf(Path trail) {
        return trail.resolveSibling(trail.getFileName() + ".head");
    }

    /** The trail file. */
    public Path path() {
        return path;
    }

    @Override
    public void record(String principal, AuditEvent event, String domain, String version, AuditOutcome outcome)
            throws AuditException {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(outcome, "outcome");
        synchronized (inProcessLock) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                Tail tail = tail(channel);
                AuditRecord record = AuditRecord.next(Instant.now(), tail.seq() + 1, principal, event, domain, version,
                        outcome, tail.hash());
                ByteBuffer bytes = ByteBuffer.wrap((record.line() + "\n").getBytes(StandardCharsets.UTF_8));
                long position = channel.size();
                while (bytes.hasRemaining()) {
                    position += channel.write(bytes, position);
                }
                channel.force(true);
                writeHead(record.seq(), record.hash());
            } catch (IOException e) {
                throw new AuditException("audit trail " + path + " cannot be written ("
                        + e.getClass().getSimpleName() + ")", e);
            }
        }
    }

    private void checkAppendable() throws AuditException {
        synchronized (inProcessLock) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                tail(channel);
            } catch (IOException e) {
                throw new AuditException("audit trail " + path + " cannot be opened for appending ("
                        + e.getClass().getSimpleName() + ")", e);
            }
        }
    }

    /** The last record's seq and hash, checked against the head; read under the file lock. */
    private Tail tail(FileChannel channel) throws IOException, AuditException {
        Tail tail = lastRecord(channel);
        Tail named = readHead();
        if (named == null) {
            if (tail.seq() > 0) {
                throw damaged("its head file " + head.getFileName() + " is missing");
            }
            return tail;
        }
        // The head may lag the trail by one record: a process can stop between forcing the trail and the head.
        boolean current = named.seq() == tail.seq() && named.hash().equals(tail.hash());
        boolean oneBehind = named.seq() == tail.seq() - 1;
        if (!current && !oneBehind) {
            throw damaged("it ends at seq " + tail.seq() + " but its head file names seq " + named.seq()
                    + (named.seq() == tail.seq() ? " with another hash" : ""));
        }
        return tail;
    }

    private Tail lastRecord(FileChannel channel) throws IOException, AuditException {
        long size = channel.size();
        if (size == 0) {
            return new Tail(0, AuditRecord.GENESIS);
        }
        int window = (int) Math.min(size, TAIL_CHUNK);
        while (true) {
            ByteBuffer buffer = ByteBuffer.allocate(window);
            long from = size - window;
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, from + buffer.position()) < 0) {
                    throw damaged("it changed size while being read");
                }
            }
            byte[] bytes = buffer.array();
            if (bytes[window - 1] != '\n') {
                throw damaged("it ends with an incomplete record");
            }
            int start = -1;
            for (int i = window - 2; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    start = i + 1;
                    break;
                }
            }
            if (start >= 0 || from == 0) {
                int begin = Math.max(start, 0);
                String line = StandardCharsets.UTF_8.newDecoder()
                        .decode(ByteBuffer.wrap(bytes, begin, window - 1 - begin)).toString();
                AuditRecord last;
                try {
                    last = AuditRecord.parse(line);
                } catch (IllegalArgumentException e) {
                    throw damaged("its last record is unparsable (" + e.getMessage() + ")");
                }
                if (!last.hashIsValid()) {
                    throw damaged("its last record does not match its hash");
                }
                return new Tail(last.seq(), last.hash());
            }
            if (window > 1 << 20) {
                throw damaged("its last line is longer than any record");
            }
            window = (int) Math.min(size, (long) window * 2);
        }
    }

    private Tail readHead() throws IOException, AuditException {
        if (!Files.exists(head)) {
            return null;
        }
        Tail named = parseHead(Files.readString(head, StandardCharsets.UTF_8));
        if (named == null) {
            throw damaged("its head file " + head.getFileName() + " is unparsable");
        }
        return named;
    }

    /** The seq and hash a head file's content names; {@code null} when it is not a head. */
    static Tail parseHead(String content) {
        Matcher m = HEAD.matcher(content);
        return m.matches() ? new Tail(Long.parseLong(m.group(1)), m.group(2)) : null;
    }

    /** Writes the head through a forced temporary file and an atomic rename, so it is never half written. */
    private void writeHead(long seq, String hash) throws IOException {
        Path temporary = head.resolveSibling(head.getFileName() + ".tmp");
        byte[] bytes = headLine(seq, hash).getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, head, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The content of a head file naming the record {@code seq} with {@code hash}. */
    static String headLine(long seq, String hash) {
        return "{\"seq\":" + seq + ",\"hash\":\"" + hash + "\"}\n";
    }

    private AuditException damaged(String why) {
        return new AuditException("audit trail " + path + " is not appended to because " + why
                + "; check it with `cloak audit verify " + path + "`");
    }

    @Override
    public String toString() {
        return "FileAuditTrail[" + path + "]";
    }

    /** The position the next record continues from. */
    record Tail(long seq, String hash) {
    }
}
