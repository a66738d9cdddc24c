package io.fleetstream.gateway.kafka;

import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the Kafka cluster answers, probed in the background by asking for its brokers every
 * {@value #INTERVAL_SECONDS} seconds. Callers only read the last verdict, so the readiness check and the request path
 * never wait for Kafka. One failed probe is not enough to declare Kafka unreachable (a busy machine can delay an
 * answer); two in a row are. One success declares it reachable again.
 */
@ApplicationScoped
public class KafkaReachability {

    private static final long INTERVAL_SECONDS = 2;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final int FAILURES_TO_DECLARE_DOWN = 2;

    private final Admin admin;
    private final ScheduledExecutorService scheduler;
    private volatile boolean reachable;
    private volatile boolean probed;
    private int consecutiveFailures;

    public KafkaReachability(KafkaSettings settings) {
        Map<String, Object> config = settings.copy();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ingest-gateway-probe");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
        this.admin = Admin.create(config);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kafka-probe");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::probe, 0, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    /** The last verdict: false until the first probe has succeeded, and after two failed probes in a row. */
    public boolean reachable() {
        return reachable;
    }

    /** Whether the verdict is that Kafka is down, as opposed to not known yet. */
    public boolean knownDown() {
        return probed && !reachable;
    }

    private void probe() {
        boolean answered = ask();
        if (answered) {
            consecutiveFailures = 0;
            if (!reachable && probed) {
                Log.info("kafka: cluster reachable again; telemetry is accepted");
            }
            reachable = true;
        } else if (++consecutiveFailures >= FAILURES_TO_DECLARE_DOWN && reachable) {
            reachable = false;
            Log.warn("kafka: cluster unreachable; the gateway reports not ready and answers telemetry with 503");
        }
        probed = probed || answered || consecutiveFailures >= FAILURES_TO_DECLARE_DOWN;
    }

    private boolean ask() {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) PROBE_TIMEOUT.toMillis()))
                    .nodes()
                    .get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS)
                    .isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @PreDestroy
    void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
