package io.fleetstream.processor.domain;

import io.fleetstream.schema.MetricWindowAggregate;

import java.util.Map;

/**
 * The final aggregate of one metric of one device over one window, together with the device labels current in that
 * window, as handed from the aggregator to the alert engine inside a task.
 *
 * @param aggregate the published aggregate
 * @param labels labels of the device as carried by the newest reading of the window
 */
public record ClosedMetricWindow(MetricWindowAggregate aggregate, Map<String, String> labels) {

    public ClosedMetricWindow {
        labels = Map.copyOf(labels);
    }
}
