package dev.cloak.conformance;

import java.io.IOException;
import java.net.Socket;
import java.util.Properties;
import javax.net.ssl.SSLSocket;
import org.postgresql.ssl.LibPQFactory;
import org.postgresql.util.PSQLException;

/**
 * pgjdbc's own SSL factory, offering TLS 1.2 only: a session older than {@code network.min-tls: "1.3"} against a
 * server that would negotiate 1.3. Named through {@code sslfactory}, which the test's policy allows.
 */
public final class Tls12OnlySocketFactory extends LibPQFactory {

    public Tls12OnlySocketFactory(Properties info) throws PSQLException {
        super(info);
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        SSLSocket ssl = (SSLSocket) super.createSocket(socket, host, port, autoClose);
        ssl.setEnabledProtocols(new String[] {"TLSv1.2"});
        return ssl;
    }
}
