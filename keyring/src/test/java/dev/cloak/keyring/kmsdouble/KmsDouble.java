package dev.cloak.keyring.kmsdouble;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An in-JVM stand-in for a KMS's HTTP API, on a loopback port, for tests that point the real client library at it:
 * the shared machinery of the AWS KMS, Cloud KMS and Vault Transit doubles. It injects {@link Fault}s into KMS
 * operations (not token endpoints), either for the next few or until cleared, and keeps its own audit log: one
 * {@link Call} per KMS operation with the binding the client sent, as the real service's audit log would show it.
 */
public abstract class KmsDouble implements AutoCloseable {

    /** One KMS operation as the double served it: the operation, the binding sent as text, and the HTTP status. */
    public record Call(String operation, String binding, int status) {
    }

    private final HttpServer server;
    private final ExecutorService workers = Executors.newCachedThreadPool(work -> {
        Thread thread = new Thread(work, "kms-double");
        thread.setDaemon(true);
        return thread;
    });
    private final Deque<Fault> nextFaults = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final AtomicInteger operations = new AtomicInteger();
    private volatile Fault standing;
    private volatile Duration slowness = Duration.ofSeconds(30);
    /**
     * Counts {@link #clearCalls()}: a request records its call only if no clear came between its arrival and its
     * answer. A {@link Fault#SLOW} request of one test answers up to {@link #slowness} later, when the next test
     * may be running, and must not land in that test's log.
     */
    private volatile long generation;

    /** Starts on a free loopback port, over plain HTTP, or over HTTPS with {@code tls}. */
    protected KmsDouble(SSLContext tls) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            if (tls == null) {
                server = HttpServer.create(address, 64);
            } else {
                HttpsServer https = HttpsServer.create(address, 64);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(workers);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT} (or https). */
    public URI address() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next {@code times} KMS operations fail with {@code fault}. */
    public synchronized KmsDouble failNext(Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            nextFaults.add(fault);
        }
        return this;
    }

    /** Every KMS operation fails with {@code fault} until {@link #recover()}. */
    public KmsDouble failAlways(Fault fault) {
        standing = fault;
        return this;
    }

    /** How long a {@link Fault#SLOW} operation waits before it answers. */
    public KmsDouble slowness(Duration delay) {
        slowness = delay;
        return this;
    }

    /** Clears every fault: the service is back. */
    public synchronized KmsDouble recover() {
        standing = null;
        nextFaults.clear();
        return this;
    }

    /** How many KMS operations reached the double, served or failed. */
    public int operations() {
        return operations.get();
    }

    /** The double's audit log of KMS operations, oldest first. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Clears the audit log and the operation count. */
    public synchronized void clearCalls() {
        calls.clear();
        operations.set(0);
        generation++;
    }

    private synchronized void record(long arrivedIn, String operation, String binding, int status) {
        if (arrivedIn == generation) {
            calls.add(new Call(operation, binding, status));
        }
    }

    /**
     * Marks {@code exchange} as a KMS operation: its answer (or dropped connection) is recorded in the audit log
     * just before the client can see it, so a test that reads the log after its call finds the call there.
     */
    protected static void operation(HttpExchange exchange, String operation, String binding) {
        Request request = REQUEST.get();
        if (request != null) {
            request.operation = operation;
            request.binding = binding;
        }
    }

    /**
     * The request a worker thread serves: the generation it arrived in and the operation it is, until it is
     * recorded. Not the exchange's attributes: on JDK 17 {@code HttpExchange.setAttribute} writes its context's
     * map, which every request to "/" shares, so a token lookup served at the same time took a decrypt's
     * operation and recorded it with its own status (a refused unwrap logged as 200).
     */
    private static final class Request {
        final long generation;
        String operation;
        String binding;

        Request(long generation) {
            this.generation = generation;
        }
    }

    private static final ThreadLocal<Request> REQUEST = new ThreadLocal<>();

    private void recordPending(int status) {
        Request request = REQUEST.get();
        if (request != null && request.operation != null) {
            record(request.generation, request.operation, request.binding, status);
            request.operation = null;
        }
    }

    /** Counts a KMS operation and takes the fault it must suffer, if any (SLOW is waited out here). */
    protected Fault faultFor() throws IOException {
        operations.incrementAndGet();
        Fault fault;
        synchronized (this) {
            fault = nextFaults.isEmpty() ? standing : nextFaults.poll();
        }
        if (fault == Fault.SLOW) {
            try {
                Thread.sleep(slowness.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
        return fault;
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        REQUEST.set(new Request(generation));
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            handle(exchange, body);
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        } finally {
            REQUEST.remove();
        }
    }

    /** Serves one request; {@code body} is the request body, read. */
    protected abstract void handle(HttpExchange exchange, byte[] body) throws IOException;

    /** Sends {@code status} with {@code json} and the content type. */
    protected void send(HttpExchange exchange, int status, String contentType, JsonElement json,
                        Map<String, String> headers) throws IOException {
        recordPending(status);
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Closes the connection without an answer. */
    protected void drop(HttpExchange exchange) {
        recordPending(0);
        exchange.close();
    }

    protected static JsonObject json(byte[] body) {
        try {
            JsonElement parsed = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            return parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    protected static String text(JsonObject object, String field) {
        if (object == null) {
            return null;
        }
        JsonElement value = object.get(field);
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
