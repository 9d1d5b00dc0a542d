package dev.cloak.driver.network;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Classes a refused driver setting names: each records, in its static initializer, that a driver loaded it. Reading
 * {@link #LOADED} initializes none of them.
 */
public final class Probes {

    /** The simple names of the probes some driver loaded. */
    public static final Set<String> LOADED = ConcurrentHashMap.newKeySet();

    private Probes() {
    }

    /** The class name to put in a setting for probe {@code simpleName}. */
    public static String name(String simpleName) {
        return Probes.class.getName() + "$" + simpleName;
    }

    /** Connects nowhere: a probe only records that a driver loaded it. */
    public abstract static class RefusingSocketFactory extends javax.net.SocketFactory {
        @Override
        public java.net.Socket createSocket() throws java.io.IOException {
            throw new java.io.IOException("probe");
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
            throw new java.io.IOException("probe");
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
                throws java.io.IOException {
            throw new java.io.IOException("probe");
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
            throw new java.io.IOException("probe");
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress,
                                            int localPort) throws java.io.IOException {
            throw new java.io.IOException("probe");
        }
    }

    public static final class PgSocketFactory {
        static {
            LOADED.add("PgSocketFactory");
        }
    }

    public static final class PgSocketFactoryControl {
        static {
            LOADED.add("PgSocketFactoryControl");
        }
    }

    public static final class PgSslFactory {
        static {
            LOADED.add("PgSslFactory");
        }
    }

    public static final class PgHostnameVerifier {
        static {
            LOADED.add("PgHostnameVerifier");
        }
    }

    public static final class PgPasswordCallback {
        static {
            LOADED.add("PgPasswordCallback");
        }
    }

    public static final class PgAuthPlugin {
        static {
            LOADED.add("PgAuthPlugin");
        }
    }

    public static final class PgXmlFactory {
        static {
            LOADED.add("PgXmlFactory");
        }
    }

    public static final class PgViaProperties {
        static {
            LOADED.add("PgViaProperties");
        }
    }

    public static final class PgViaDataSource {
        static {
            LOADED.add("PgViaDataSource");
        }
    }

    /** A real SocketFactory: MariaDB Connector/J checks the type before it initializes the class. */
    public static final class MariaDbSocketFactory extends RefusingSocketFactory {
        static {
            LOADED.add("MariaDbSocketFactory");
        }
    }

    /** A real SocketFactory: MariaDB Connector/J checks the type before it initializes the class. */
    public static final class MariaDbSocketFactoryControl extends RefusingSocketFactory {
        static {
            LOADED.add("MariaDbSocketFactoryControl");
        }
    }

    public static final class MySqlInterceptor {
        static {
            LOADED.add("MySqlInterceptor");
        }
    }

    public static final class H2Serializer {
        static {
            LOADED.add("H2Serializer");
        }
    }

    public static final class H2EventListener {
        static {
            LOADED.add("H2EventListener");
        }
    }

    public static final class H2EventListenerControl {
        static {
            LOADED.add("H2EventListenerControl");
        }
    }

    public static final class H2TableEngine {
        static {
            LOADED.add("H2TableEngine");
        }
    }
}
