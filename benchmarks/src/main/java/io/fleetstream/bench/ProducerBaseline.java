package io.fleetstream.bench;

import io.fleetstream.schema.AvroSerde;
import io.fleetstream.schema.TelemetryReading;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling the gateway is compared with: a plain Kafka producer in the benchmark JVM writing the records the gateway
 * would write (same key, same Avro value, encoded per record as the gateway does) with the gateway's producer
 * settings, as fast as the broker acknowledges them.
 */
final class ProducerBaseline {

    /** Mirrors TelemetryPublisher with the gateway's defaults (linger 5ms, lz4, delivery timeout 10s, max block 5s). */
    static Map<String, Object> gatewayProducerSettings(String bootstrapServers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer-baseline");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000 - 5);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int)
                Duration.ofDays(1).toMillis());
        return props;
    }

    private final String bootstrapServers;
    private final Workload workload;
    private final int maxInFlight;
    private final long maxRecords;
    private final AvroSerde<TelemetryReading> serde = AvroSerde.of(TelemetryReading.class);

    ProducerBaseline(String bootstrapServers, Workload workload, int maxInFlight, long maxRecords) {
        this.bootstrapServers = bootstrapServers;
        this.workload = workload;
        this.maxInFlight = maxInFlight;
        this.maxRecords = maxRecords;
    }

    /** The size of one record as the gateway writes it: key bytes and Avro value bytes. */
    RecordSize recordSize() {
        TelemetryReading sample = workload.record(0, workload.nextTs(0), Instant.now());
        return new RecordSize(
                workload.device(0).deviceId().getBytes(StandardCharsets.UTF_8).length, serde.encode(sample).length);
    }

    record RecordSize(int keyBytes, int valueBytes) {}

    PhaseResult run(String name, Duration warmUp, Duration measure, CpuMeter meter) {
        LongAdder acknowledged = new LongAdder();
        LongAdder inWindow = new LongAdder();
        Histogram latency = new ConcurrentHistogram(3_600_000_000L, 3);
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        Semaphore permits = new Semaphore(maxInFlight);
        long sent = 0;
        PhaseTimer timer = new PhaseTimer(warmUp, measure);
        CpuMeter.Snapshot before = null;
        CpuMeter.Snapshot after = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                gatewayProducerSettings(bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(BenchKafka.BASELINE_TOPIC);
            while (sent < maxRecords) {
                long now = System.nanoTime();
                if (timer.over(now)) {
                    break;
                }
                if (before == null && timer.inWindow(now)) {
                    before = meter.snapshot();
                }
                if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                int device = workload.nextDeviceIndex();
                long ts = workload.nextTs(device);
                Instant receivedAt = Instant.now();
                byte[] value = serde.encode(workload.record(device, ts, receivedAt));
                long started = System.nanoTime();
                producer.send(
                        new ProducerRecord<>(
                                BenchKafka.BASELINE_TOPIC,
                                null,
                                ts,
                                workload.device(device).deviceId(),
                                value),
                        (metadata, error) -> {
                            permits.release();
                            long finished = System.nanoTime();
                            if (error != null) {
                                failures.computeIfAbsent(error.getClass().getSimpleName(), k -> new LongAdder())
                                        .increment();
                                return;
                            }
                            acknowledged.increment();
                            if (timer.inWindow(finished)) {
                                inWindow.increment();
                                latency.recordValue((finished - started) / 1_000);
                            }
                        });
                sent++;
            }
            after = meter.snapshot();
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during the producer baseline", e);
        }
        if (before == null) {
            before = after;
        }
        Map<String, Long> problems = new TreeMap<>();
        failures.forEach((key, count) -> problems.put(key, count.sum()));
        return new PhaseResult(
                name,
                inWindow.sum(),
                inWindow.sum(),
                timer.measured(),
                latency,
                sent,
                acknowledged.sum(),
                problems,
                CpuMeter.between(before, after));
    }
}
