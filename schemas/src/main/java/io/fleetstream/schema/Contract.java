package io.fleetstream.schema;

import org.apache.avro.specific.SpecificRecord;

import java.util.List;

/** The record types that make up the public Kafka contract; each has a released history in {@link SchemaHistory}. */
public final class Contract {

    /** Every record type published on a topic of {@link Topics}. */
    public static final List<Class<? extends SpecificRecord>> RECORD_TYPES = List.of(
            TelemetryReading.class,
            EnrichedReading.class,
            MetricWindowAggregate.class,
            AlertEvent.class,
            Device.class,
            DeviceCredential.class,
            AlertRule.class,
            OperatorKey.class);

    private Contract() {}
}
