package io.fleetstream.gateway.kafka;

import io.fleetstream.gateway.metrics.GatewayMetrics;
import io.fleetstream.schema.ChangelogView;
import io.fleetstream.schema.Device;
import io.fleetstream.schema.DeviceState;
import io.fleetstream.schema.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lifecycle state of every device, followed from the registry's compacted device changelog. Only the state is
 * kept: the gateway needs nothing else of a device to decide whether it may send.
 *
 * <p>Ids of devices deleted while the gateway runs are remembered, so that their credentials are refused as belonging
 * to no device (401) rather than to a device not registered yet. Once compaction has removed a tombstone, a restarted
 * gateway no longer knows the device was deleted and treats it as never registered (403); either way nothing is
 * accepted. The set of deleted ids grows with the deletions seen since startup and is not bounded otherwise.
 */
@ApplicationScoped
public class DeviceDirectory implements ChangelogView.Listener<Device> {

    private final Map<String, DeviceState> states = new ConcurrentHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final Counter skipped;
    private final ChangelogView<Device> view;

    public DeviceDirectory(KafkaSettings settings, GatewayMetrics metrics) {
        Gauge.builder(GatewayMetrics.DEVICES, states, Map::size)
                .description("Devices currently known to the gateway, whatever their state")
                .register(metrics.registry());
        this.skipped = metrics.changelogRecordsSkipped(Topics.REGISTRY_DEVICES);
        this.view = new ChangelogView<>(
                Topics.REGISTRY_DEVICES, Device.class, settings.copy(), "ingest-gateway-devices", this);
    }

    /** Starts following the device changelog; idempotent. */
    public void start() {
        view.start();
    }

    /** Stops following the changelog. */
    @PreDestroy
    public void stop() {
        view.close();
    }

    /** The device's lifecycle state, or null when no record of it has been read. */
    public DeviceState state(String deviceId) {
        return states.get(deviceId);
    }

    /** Whether a tombstone of the device was read since startup and no record of it came after. */
    public boolean deleted(String deviceId) {
        return deleted.contains(deviceId);
    }

    /** Whether the directory has read everything that was in the changelog when the gateway started. */
    public boolean caughtUp() {
        return view.caughtUp();
    }

    /** Whether the background consumer thread is running. */
    public boolean alive() {
        return view.alive();
    }

    /** How many devices are known. */
    public int size() {
        return states.size();
    }

    @Override
    public void upsert(String deviceId, Device device) {
        states.put(deviceId, device.getState());
        deleted.remove(deviceId);
    }

    @Override
    public void delete(String deviceId) {
        states.remove(deviceId);
        deleted.add(deviceId);
    }

    @Override
    public void skipped(ConsumerRecord<String, byte[]> record, String reason) {
        skipped.increment();
    }
}
