package io.fleetstream.gateway.kafka;

import io.fleetstream.gateway.metrics.GatewayMetrics;
import io.fleetstream.schema.ChangelogView;
import io.fleetstream.schema.DeviceCredential;
import io.fleetstream.schema.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device credentials known to the gateway: the compacted credential changelog, followed into memory by a
 * {@link ChangelogView} and indexed by token hash. Before the view has {@linkplain #caughtUp() caught up} an unknown
 * token may simply not have been read yet.
 */
@ApplicationScoped
public class CredentialCache implements ChangelogView.Listener<DeviceCredential> {

    private final Map<String, DeviceCredential> byTokenHash = new ConcurrentHashMap<>();
    private final Map<String, String> tokenHashByCredentialId = new ConcurrentHashMap<>();
    private final Counter skipped;
    private final ChangelogView<DeviceCredential> view;

    public CredentialCache(KafkaSettings settings, GatewayMetrics metrics) {
        Gauge.builder(GatewayMetrics.CREDENTIALS, tokenHashByCredentialId, Map::size)
                .description("Device credentials currently known to the gateway (revoked and expired included)")
                .register(metrics.registry());
        this.skipped = metrics.changelogRecordsSkipped(Topics.REGISTRY_CREDENTIALS);
        this.view = new ChangelogView<>(
                Topics.REGISTRY_CREDENTIALS,
                DeviceCredential.class,
                settings.copy(),
                "ingest-gateway-credentials",
                this);
    }

    /** Starts following the credential changelog; idempotent. */
    public void start() {
        view.start();
    }

    /** Stops following the changelog. */
    @PreDestroy
    public void stop() {
        view.close();
    }

    /** The credential whose token hashes to {@code tokenHash}, whatever its validity. */
    public Optional<DeviceCredential> find(String tokenHash) {
        return Optional.ofNullable(byTokenHash.get(tokenHash));
    }

    /** Whether the cache has read everything that was in the changelog when the gateway started. */
    public boolean caughtUp() {
        return view.caughtUp();
    }

    /** Whether the background consumer thread is running. */
    public boolean alive() {
        return view.alive();
    }

    /** How many credentials are known. */
    public int size() {
        return tokenHashByCredentialId.size();
    }

    @Override
    public void upsert(String credentialId, DeviceCredential credential) {
        String hash = credential.getTokenHash();
        String previous = tokenHashByCredentialId.put(credentialId, hash);
        if (previous != null && !previous.equals(hash)) {
            byTokenHash.remove(previous);
        }
        byTokenHash.put(hash, credential);
    }

    @Override
    public void delete(String credentialId) {
        String hash = tokenHashByCredentialId.remove(credentialId);
        if (hash != null) {
            byTokenHash.remove(hash);
        }
    }

    @Override
    public void skipped(ConsumerRecord<String, byte[]> record, String reason) {
        skipped.increment();
    }
}
