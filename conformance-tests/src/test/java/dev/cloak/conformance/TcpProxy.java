package dev.cloak.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy in the test's JVM between the JDBC driver and the database server, which the test can cut: at once,
 * after so many more bytes from the client or from the server, or by refusing new connections. What a network
 * failure, a firewall or a failover does to a connection, without touching the shared server.
 */
final class TcpProxy implements AutoCloseable {

    private static final Pattern HOST_PORT = Pattern.compile("//([^/:?]+):(\\d+)");

    private final ServerSocket server;
    private final String host;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong fromClientLeft = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong fromServerLeft = new AtomicLong(Long.MAX_VALUE);

    private TcpProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to the server of {@code jdbcUrl} ({@code jdbc:…://host:port/…}). */
    static TcpProxy toServerOf(String jdbcUrl) throws IOException {
        Matcher m = HOST_PORT.matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no host:port in the test database URL");
        }
        return new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** {@code jdbcUrl} with its server replaced by this proxy. */
    String route(String jdbcUrl) {
        return HOST_PORT.matcher(jdbcUrl).replaceFirst("//127.0.0.1:" + server.getLocalPort());
    }

    /** Closes every connection through the proxy now; new connections are still accepted. */
    void cut() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }
        sockets.clear();
    }

    /** Cuts every connection once the client has sent {@code bytes} more bytes. */
    void cutAfterClientSends(long bytes) {
        fromClientLeft.set(bytes);
    }

    /** Cuts every connection once the server has sent {@code bytes} more bytes. */
    void cutAfterServerSends(long bytes) {
        fromServerLeft.set(bytes);
    }

    /** Stops accepting (new connections are refused) and cuts the open ones: the server is unreachable. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing is all we want
        }
        cut();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(host, port);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, fromClientLeft);
                pump(upstream, client, fromServerLeft);
            } catch (IOException e) {
                // closed, or the server refused: the client sees its connection end
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong left) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (left.addAndGet(-n) < 0) {
                        left.set(Long.MAX_VALUE);
                        cut();
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side ended: end the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all we want
        }
    }
}
