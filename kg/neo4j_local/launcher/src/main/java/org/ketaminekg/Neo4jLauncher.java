package org.ketaminekg;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j Community server with a Bolt connector on 127.0.0.1.
 *
 * <p>Usage: {@code Neo4jLauncher --port 7687 --home /path/to/dir [--pagecache-mb 256]}; the
 * password of the {@code neo4j} user comes from the {@code NEO4J_PASSWORD} environment variable
 * so it never shows in a process list. Stdout carries exactly one line, {@code NEO4J_READY <uri>},
 * once Bolt listens; everything else goes to stderr or the logs under the home directory.
 * SIGTERM shuts the database down cleanly.
 */
public final class Neo4jLauncher {
    static final String READY = "NEO4J_READY";
    private static final String HOST = "127.0.0.1";
    private static final int MIN_PASSWORD_LENGTH = 8;

    private Neo4jLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        Options options;
        try {
            options = Options.parse(args, System.getenv("NEO4J_PASSWORD"));
        } catch (IllegalArgumentException err) {
            System.err.println("neo4j-launcher: " + err.getMessage());
            System.exit(2);
            return;
        }
        DatabaseManagementService dbms = build(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j-launcher: shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-launcher-shutdown"));
        setPassword(dbms, options.password);
        stdout.println(READY + " bolt://" + HOST + ":" + options.port);
        stdout.flush();
        stopped.await();
    }

    private static DatabaseManagementService build(Options options) {
        return new DatabaseManagementServiceBuilder(options.home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, options.port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, options.port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(options.pagecacheMb))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .build();
    }

    /** Sets the neo4j user's password; a password equal to the current one is not an error. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException err) {
            String message = String.valueOf(err.getMessage());
            if (!message.contains("cannot be the same")) {
                throw err;
            }
        }
    }

    /** Command-line options, validated. */
    private static final class Options {
        int port = 7687;
        Path home;
        long pagecacheMb = 256;
        String password;

        static Options parse(String[] args, String password) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> options.port = parseInt(args[i], value);
                    case "--home" -> options.home = Path.of(require(args[i], value)).toAbsolutePath();
                    case "--pagecache-mb" -> options.pagecacheMb = parseInt(args[i], value);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
                i++;
            }
            if (options.home == null) {
                throw new IllegalArgumentException("--home is required");
            }
            if (options.port < 1 || options.port > 65535) {
                throw new IllegalArgumentException("--port must be in 1..65535");
            }
            if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
                throw new IllegalArgumentException(
                        "NEO4J_PASSWORD must be set to at least " + MIN_PASSWORD_LENGTH + " characters");
            }
            options.password = password;
            return options;
        }

        private static String require(String name, String value) {
            if (value == null) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return value;
        }

        private static int parseInt(String name, String value) {
            try {
                return Integer.parseInt(require(name, value));
            } catch (NumberFormatException err) {
                throw new IllegalArgumentException(name + " must be an integer, got " + value, err);
            }
        }
    }
}
