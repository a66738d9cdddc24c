package io.fleetstream.infra;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresServerTest {

    @TempDir
    static Path dataDir;

    static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start(dataDir.resolve("postgres"));
    }

    @AfterAll
    static void closePostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(postgres.jdbcUrl("postgres"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres");
        assertThat(Listeners.listeningAddresses(postgres.port())).containsExactly("127.0.0.1");
        try (Connection connection = connect("postgres")) {
            assertThat(queryString(connection, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(queryString(connection, "SELECT host(inet_server_addr())"))
                    .isEqualTo("127.0.0.1");
        }
    }

    @Test
    void createDatabaseIsIdempotentAndATableRoundTrips() throws Exception {
        postgres.createDatabase("registry");
        postgres.createDatabase("registry");

        try (Connection connection = connect("registry");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE device (id text PRIMARY KEY, firmware text NOT NULL)");
            statement.execute("INSERT INTO device VALUES ('dev-1', '1.2.3')");
            assertThat(queryString(connection, "SELECT firmware FROM device WHERE id = 'dev-1'"))
                    .isEqualTo("1.2.3");
        }
    }

    @Test
    void createDatabaseRejectsNamesThatNeedQuoting() {
        assertThatThrownBy(() -> postgres.createDatabase("Robert\"; DROP"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void committedRowSurvivesKillAndRestart() throws Exception {
        postgres.createDatabase("durable");
        try (Connection connection = connect("durable");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE reading (id int PRIMARY KEY, value text)");
            statement.execute("INSERT INTO reading VALUES (1, 'committed')");
        }
        long killedPid = postgres.pid();

        postgres.kill();

        assertThat(postgres.isRunning()).isFalse();
        // The postmaster is re-parented to init, which may leave it a zombie for a while; a zombie does not run.
        assertThat(ProcessHandle.of(killedPid).filter(ProcessSupport::isRunning))
                .isEmpty();
        assertThatThrownBy(() -> connect("durable")).isInstanceOf(SQLException.class);

        postgres.restart();

        assertThat(postgres.pid()).isNotEqualTo(killedPid);
        try (Connection connection = connect("durable")) {
            assertThat(queryString(connection, "SELECT value FROM reading WHERE id = 1"))
                    .isEqualTo("committed");
        }
    }

    @Test
    void refusesAPortThatIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> PostgresServer.start(dataDir.resolve("other"), taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
        }
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
