package io.fleetstream.processor.streams;

import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Rule records the global rule processor could not use, handed to a stream task that dead-letters them: a global store
 * processor cannot produce records itself. The hand-over lives in memory and is refilled after a restart, because
 * Kafka Streams replays the rule changelog through the global processor when it restores the rule store; the task
 * remembers in a changelogged store which records it has already dead-lettered, so none is written twice.
 */
final class RejectedRules {

    private final ConcurrentSkipListMap<String, Rejected> waiting = new ConcurrentSkipListMap<>();

    void add(Rejected rejected) {
        waiting.put(rejected.id(), rejected);
    }

    /** The records waiting, oldest first. */
    List<Rejected> waiting() {
        return List.copyOf(waiting.values());
    }

    void done(Rejected rejected) {
        waiting.remove(rejected.id());
    }

    /**
     * One refused rule record.
     *
     * @param key original key bytes
     * @param value original value bytes
     * @param topic source topic
     * @param partition source partition
     * @param offset source offset
     * @param reason why it was refused
     * @param detail what was wrong, for the reason header
     */
    record Rejected(
            byte[] key,
            byte[] value,
            String topic,
            int partition,
            long offset,
            DeadLetterReason reason,
            String detail) {

        /** Identity of the source record, ordered by partition then offset. */
        String id() {
            return String.format("%05d/%020d", partition, offset);
        }
    }
}
