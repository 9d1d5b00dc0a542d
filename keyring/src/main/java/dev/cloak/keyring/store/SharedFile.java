package dev.cloak.keyring.store;

import dev.cloak.keyring.KeyringException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small text file that several threads and processes share: read without a lock (writers replace it whole, so a
 * reader sees the old or the new content, never half of one), changed under a lock on a sibling {@code .lock} file
 * by writing a temp file, forcing it to disk and moving it into place atomically. New content is owner-only.
 */
final class SharedFile {

    // a JVM may hold one FileLock per file, so threads and instances in one process queue here first
    private static final ConcurrentMap<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final Path lockPath;
    private final String tempPrefix;

    /** The file at {@code path}; temp files are named {@code tempPrefix…tmp} next to it. */
    SharedFile(Path path, String tempPrefix) {
        this.path = path.toAbsolutePath().normalize();
        this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
        this.tempPrefix = tempPrefix;
    }

    Path path() {
        return path;
    }

    /** The file's content, or {@code null} when there is no file yet. */
    String read() throws IOException {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            return null;
        }
    }

    /** What a change does while the locks are held; it may call {@link #replace}. */
    interface Change<T, E extends Exception> {
        T apply() throws IOException, E;
    }

    /** Runs {@code change} holding this process's lock and the file lock, so no other writer runs meanwhile. */
    <T, E extends Exception> T underLock(Change<T, E> change) throws IOException, E {
        ReentrantLock processLock = PROCESS_LOCKS.computeIfAbsent(path, p -> new ReentrantLock());
        processLock.lock();
        try {
            Files.createDirectories(path.getParent());
            try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return change.apply();
            }
        } finally {
            processLock.unlock();
        }
    }

    /** Replaces the content atomically; call it from a change, under the lock. */
    void replace(String content) throws IOException {
        Path temp = createOwnerOnlyTempFile(path.getParent());
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(StandardCharsets.UTF_8.encode(content));
                out.force(true);
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Path createOwnerOnlyTempFile(Path dir) throws IOException {
        try {
            return Files.createTempFile(dir, tempPrefix, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, tempPrefix, ".tmp");
        }
    }

    /** A file the process may not read or write is refused access; any other I/O failure is an outage. */
    static KeyringException failure(String message, IOException e) {
        KeyringException.Kind kind = e instanceof AccessDeniedException
                ? KeyringException.Kind.ACCESS_DENIED : KeyringException.Kind.UNAVAILABLE;
        return new KeyringException(kind, message, e);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
