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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The ceiling the gateway is compared with: a plain Kafka producer in the benchmark JVM writing records of the size the
 * gateway writes (same keys, Avro values encoded beforehand, a new timestamp per record), as fast as the broker
 * acknowledges them, either with the gateway's producer settings or with Kafka's defaults.
 *
 * <p>Each device has {@value #VALUES_PER_DEVICE} different values, those of consecutive readings, used in turn: with
 * one value per device, as before, a batch held the same bytes several times over, which compression shrank far more
 * than it can shrink the gateway's distinct readings, and the broker's CPU per record was lower than it is for real
 * traffic.
 *
 * <p>While values were encoded per record, this phase ran in one of two modes on the shared development machine: at
 * full speed, or at a tenth of it with ten times the CPU per record; why is not known, so its rate is read together
 * with its CPU per record.
 */
final class ProducerBaseline {

    /**
     * Mirrors TelemetryPublisher: acks=all, idempotence, delivery timeout 10 s, max block 5 s as its defaults, and the
     * linger, batch size and compression the gateway under test runs with.
     */
    static Map<String, Object> gatewayProducerSettings(String bootstrapServers, GatewayProducerSettings tuning) {
        Map<String, Object> props = kafkaDefaultSettings(bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, tuning.lingerMs());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, tuning.batchSize());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, tuning.compression());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, 10_000 - tuning.lingerMs()));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int)
                Duration.ofDays(1).toMillis());
        return props;
    }

    /**
     * Kafka's producer as it comes, with {@code acks=all} said explicitly (it is the default since Kafka 3.0, as is
     * idempotence): batches of 16 KB, linger 5 ms, no compression. This is the producer of the brief's baseline
     * ("200-450k records/s, 200 B, acks=all").
     */
    static Map<String, Object> kafkaDefaultSettings(String bootstrapServers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer-baseline");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    static final int VALUES_PER_DEVICE = 32;

    private final Map<String, Object> settings;
    private final Workload workload;
    private final int maxInFlight;
    private final long maxRecords;
    private final AvroSerde<TelemetryReading> serde = AvroSerde.of(TelemetryReading.class);

    ProducerBaseline(Map<String, Object> settings, Workload workload, int maxInFlight, long maxRecords) {
        this.settings = Map.copyOf(settings);
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
        PhaseTimer timer = new PhaseTimer(warmUp, measure);
        CpuMeter.Snapshot before = null;
        CpuMeter.Snapshot after;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(BenchKafka.BASELINE_TOPIC);
            Sender sender = new Sender(producer, timer);
            while (sender.sent < maxRecords) {
                long now = System.nanoTime();
                if (timer.over(now)) {
                    break;
                }
                if (before == null && timer.inWindow(now)) {
                    before = meter.snapshot();
                }
                sender.sendOne();
            }
            after = meter.snapshot();
            producer.flush();
            if (before == null) {
                before = after;
            }
            Map<String, Long> problems = new TreeMap<>();
            sender.failures.forEach((key, count) -> problems.put(key, count.sum()));
            return new PhaseResult(
                    name,
                    sender.inWindow.sum(),
                    sender.inWindow.sum(),
                    timer.measured(),
                    sender.latency,
                    sender.sent,
                    sender.acknowledged.sum(),
                    problems,
                    CpuMeter.between(before, after),
                    sender.sent >= maxRecords);
        }
    }

    /**
     * Sends one record at a time and counts the acknowledgements. The bound on unacknowledged records is a counter the
     * sender polls, sleeping a millisecond when it is reached; a semaphore would wake the sender once per
     * acknowledgement and cost a context switch per record on a machine whose cores are already shared.
     */
    private final class Sender {

        private final KafkaProducer<String, byte[]> producer;
        private final PhaseTimer timer;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final LongAdder acknowledged = new LongAdder();
        private final LongAdder inWindow = new LongAdder();
        private final Histogram latency = new ConcurrentHistogram(3_600_000_000L, 3);
        private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        private final byte[][][] values;
        private long sent;

        Sender(KafkaProducer<String, byte[]> producer, PhaseTimer timer) {
            this.producer = producer;
            this.timer = timer;
            // Values are encoded before the phase: the producer is measured, not the encoding. A record's value keeps
            // the timestamp it was encoded with; its size and how well it compresses among its neighbours matter.
            this.values = new byte[workload.devices().size()][VALUES_PER_DEVICE][];
            Instant now = Instant.now();
            long firstTs = now.minusSeconds(600).toEpochMilli();
            for (int i = 0; i < values.length; i++) {
                for (int k = 0; k < VALUES_PER_DEVICE; k++) {
                    values[i][k] = serde.encode(workload.record(i, firstTs + k, now));
                }
            }
        }

        /** Sends the next record, or sleeps a millisecond if the maximum number of records is unacknowledged. */
        void sendOne() {
            if (inFlight.get() >= maxInFlight) {
                LockSupport.parkNanos(1_000_000);
                return;
            }
            inFlight.incrementAndGet();
            int device = workload.nextDeviceIndex();
            long ts = workload.nextTs(device);
            byte[] value = values[device][(int) (ts % VALUES_PER_DEVICE)];
            long started = System.nanoTime();
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                    BenchKafka.BASELINE_TOPIC, null, ts, workload.device(device).deviceId(), value);
            producer.send(record, (metadata, error) -> acknowledged(started, error));
            sent++;
        }

        private void acknowledged(long started, Exception error) {
            inFlight.decrementAndGet();
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
        }
    }
}
