package io.fleetstream.query.kafka;

import io.fleetstream.query.metrics.QueryMetrics;
import io.fleetstream.schema.ChangelogView;
import io.fleetstream.schema.OperatorKey;
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
 * The operator API keys known to the query API: the registry's compacted key changelog, followed into memory by a
 * {@link ChangelogView} and indexed by key hash. Only hashes are held; the keys themselves never reach this service's
 * memory except for the one request that presents them.
 */
@ApplicationScoped
public class OperatorKeys implements ChangelogView.Listener<OperatorKey> {

    private final Map<String, OperatorKey> byHash = new ConcurrentHashMap<>();
    private final Map<String, String> hashByKeyId = new ConcurrentHashMap<>();
    private final Counter skipped;
    private final ChangelogView<OperatorKey> view;

    public OperatorKeys(KafkaSettings settings, QueryMetrics metrics) {
        Gauge.builder(QueryMetrics.OPERATOR_KEYS, hashByKeyId, Map::size)
                .description("Operator API keys currently known (revoked and expired included)")
                .register(metrics.registry());
        this.skipped = Counter.builder(QueryMetrics.OPERATOR_KEY_RECORDS_SKIPPED)
                .description("Operator key changelog records that could not be decoded and were skipped")
                .register(metrics.registry());
        this.view = new ChangelogView<>(
                Topics.REGISTRY_OPERATOR_KEYS, OperatorKey.class, settings.copy(), "query-api-operator-keys", this);
    }

    /** Starts following the changelog; idempotent. */
    public void start() {
        view.start();
    }

    @PreDestroy
    public void stop() {
        view.close();
    }

    /** The key whose hash is {@code keyHash}, whatever its validity. */
    public Optional<OperatorKey> find(String keyHash) {
        return Optional.ofNullable(byHash.get(keyHash));
    }

    /** Whether every key that existed when the service started has been read. */
    public boolean caughtUp() {
        return view.caughtUp();
    }

    /** Whether the reading thread runs. */
    public boolean alive() {
        return view.alive();
    }

    public int size() {
        return hashByKeyId.size();
    }

    @Override
    public void upsert(String keyId, OperatorKey key) {
        String hash = key.getKeyHash();
        String previous = hashByKeyId.put(keyId, hash);
        if (previous != null && !previous.equals(hash)) {
            byHash.remove(previous);
        }
        byHash.put(hash, key);
    }

    @Override
    public void delete(String keyId) {
        String hash = hashByKeyId.remove(keyId);
        if (hash != null) {
            byHash.remove(hash);
        }
    }

    @Override
    public void skipped(ConsumerRecord<String, byte[]> record, String reason) {
        skipped.increment();
    }
}
