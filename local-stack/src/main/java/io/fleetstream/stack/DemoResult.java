package io.fleetstream.stack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo replay sent and what the platform stored, as printed at the end of the demo and as the
 * {@code SUMMARY} line.
 *
 * @param stations device ids of the replayed stations
 * @param ruleId the alert rule the demo created
 * @param rowsRead CSV rows in the replayed time range
 * @param rowsSkipped rows without any numeric value, which the edge would refuse and which are therefore not sent
 * @param readingsSent readings sent to the gateway
 * @param readingsAccepted readings the gateway answered as accepted
 * @param readingsDuplicate readings the gateway answered as duplicates (only after a retried request)
 * @param metricValuesAccepted metric values in the acknowledged readings, which is what must end up stored
 * @param metricValuesStored rows in the readings table, from {@code /v1/stats}
 * @param metricValuesByMetric the same per metric
 * @param aggregatesStored window aggregates stored
 * @param aggregatesByWindow the same per window size
 * @param alertsRaised alert episodes raised
 * @param alertsCleared alert episodes cleared
 * @param alertsOpen alert episodes still open
 * @param alertsByStation raised and cleared episodes per device id
 * @param lateReadings readings the processor counted as late (after the grace period), {@code null} if it reports none
 * @param deadLettered records the processor dead-lettered, {@code null} if it reports none
 * @param replaySeconds time spent sending
 * @param totalSeconds time from the first registration to the drained pipeline
 * @param readingsPerSecond accepted readings per second of replay
 * @param urls where an operator can look next
 */
public record DemoResult(
        List<String> stations,
        String ruleId,
        long rowsRead,
        long rowsSkipped,
        long readingsSent,
        long readingsAccepted,
        long readingsDuplicate,
        long metricValuesAccepted,
        long metricValuesStored,
        Map<String, Long> metricValuesByMetric,
        long aggregatesStored,
        Map<String, Long> aggregatesByWindow,
        long alertsRaised,
        long alertsCleared,
        long alertsOpen,
        Map<String, AlertCounts> alertsByStation,
        Long lateReadings,
        Long deadLettered,
        double replaySeconds,
        double totalSeconds,
        double readingsPerSecond,
        Map<String, String> urls) {

    /** Alert episodes of one station. */
    public record AlertCounts(long raised, long cleared) {}

    /** Prints the human-readable summary followed by the one-line {@code SUMMARY {json}}. */
    public void print(PrintStream out, ObjectMapper mapper) {
        String nl = System.lineSeparator();
        StringBuilder text = new StringBuilder();
        text.append(nl).append("=== Fleetstream demo summary ===").append(nl);
        text.append(String.format(
                Locale.ROOT, "Rows read:              %,d (%,d skipped: no numeric value)%n", rowsRead, rowsSkipped));
        text.append(String.format(
                Locale.ROOT,
                "Readings sent:          %,d, accepted %,d, duplicates %,d%n",
                readingsSent,
                readingsAccepted,
                readingsDuplicate));
        text.append(String.format(
                Locale.ROOT,
                "Metric values stored:   %,d of %,d accepted%n",
                metricValuesStored,
                metricValuesAccepted));
        metricValuesByMetric.forEach(
                (metric, count) -> text.append(String.format(Locale.ROOT, "    %-8s %,12d%n", metric, count)));
        text.append(String.format(Locale.ROOT, "Window aggregates:      %,d%n", aggregatesStored));
        aggregatesByWindow.forEach(
                (window, count) -> text.append(String.format(Locale.ROOT, "    %-8s %,12d%n", window, count)));
        text.append(String.format(
                Locale.ROOT,
                "Alerts (rule %s):  %,d raised, %,d cleared, %,d open%n",
                ruleId,
                alertsRaised,
                alertsCleared,
                alertsOpen));
        alertsByStation.forEach((station, counts) -> text.append(String.format(
                Locale.ROOT, "    %-14s raised %,4d  cleared %,4d%n", station, counts.raised(), counts.cleared())));
        text.append(String.format(
                Locale.ROOT,
                "Processor:              %s late readings, %s dead-lettered%n",
                lateReadings == null ? "0" : String.format(Locale.ROOT, "%,d", lateReadings),
                deadLettered == null ? "0" : String.format(Locale.ROOT, "%,d", deadLettered)));
        text.append(String.format(
                Locale.ROOT,
                "Elapsed:                %.1f s replay, %.1f s until drained; %,.0f readings/s%n",
                replaySeconds,
                totalSeconds,
                readingsPerSecond));
        text.append("Look around:").append(nl);
        urls.forEach((what, url) -> text.append(String.format(Locale.ROOT, "    %-30s %s%n", what, url)));
        out.print(text);
        try {
            out.println("SUMMARY " + mapper.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the summary as JSON", e);
        }
        out.flush();
    }
}
