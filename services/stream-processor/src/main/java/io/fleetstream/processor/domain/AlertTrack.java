package io.fleetstream.processor.domain;

import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.ThresholdDirection;

/**
 * Alert state of one (device, rule) pair, and the state machine that moves it one observation at a time.
 *
 * <p>While no episode is open, {@code streak} counts the adjacent observations in a row that met the raise condition
 * (windows that each start where the previous one ended; for RAW rules, consecutive readings); a miss, or a gap between
 * windows, starts over. When the streak reaches the rule's consecutive-window count, an episode opens. While it is
 * open only the clear condition is checked, so values between the clear and the raise threshold keep it open
 * (hysteresis).
 *
 * @param open whether an episode is open
 * @param alertId id of the open episode, null when none is open
 * @param raisedAtMillis time the open episode was raised, 0 when none is open
 * @param streak observations in a row that met the raise condition
 * @param lastWindowEndMillis end of the last window evaluated, {@link Long#MIN_VALUE} before the first
 * @param lastValue the value last compared with a threshold (NaN before the first); reported by a forced clear
 * @param previousAggregate RATE_OF_CHANGE: the rule's aggregation of the window ending at lastWindowEndMillis
 * @param lastActivityMillis INACTIVITY: wall-clock time of the last matching reading, or when watching started
 * @param deviceType device type reported in events
 * @param rule the rule as it was when this state was last updated; a different rule version resets the state
 */
public record AlertTrack(
        boolean open,
        String alertId,
        long raisedAtMillis,
        int streak,
        long lastWindowEndMillis,
        double lastValue,
        double previousAggregate,
        long lastActivityMillis,
        String deviceType,
        AlertRule rule) {

    /** The state of a pair that has never been evaluated under {@code rule}. */
    public static AlertTrack initial(AlertRule rule, String deviceType) {
        return new AlertTrack(false, null, 0L, 0, Long.MIN_VALUE, Double.NaN, Double.NaN, 0L, deviceType, rule);
    }

    /** INACTIVITY: the state of a pair whose silence is measured from {@code nowMillis}. */
    public static AlertTrack watching(AlertRule rule, String deviceType, long nowMillis) {
        return new AlertTrack(false, null, 0L, 0, Long.MIN_VALUE, Double.NaN, Double.NaN, nowMillis, deviceType, rule);
    }

    /** Whether this state carries nothing that a fresh {@link #initial} state would not (and so need not be kept). */
    public boolean isIdle() {
        return !open && streak == 0 && Double.isNaN(previousAggregate) && lastActivityMillis == 0L;
    }

    /**
     * Evaluates one threshold observation: a window aggregate, a rate of change between two adjacent windows, or a raw
     * value.
     *
     * @param deviceId the device observed
     * @param value the value compared with the thresholds
     * @param adjacent whether this observation directly follows the previous one (no gap)
     * @param observedAtMillis event time of the observation (window end, or the reading ts); an episode raised by it
     *     gets this as raisedAt
     * @param windowEndMillis end of the window observed, or the reading ts
     * @return the next state, and the transition to publish if any
     */
    public Step observe(String deviceId, double value, boolean adjacent, long observedAtMillis, long windowEndMillis) {
        if (!open) {
            int nextStreak = raiseHolds(rule, value) ? (adjacent ? streak + 1 : 1) : 0;
            if (nextStreak >= Math.max(1, rule.getConsecutiveWindows())) {
                String id = AlertIds.of(deviceId, rule.getRuleId(), observedAtMillis);
                return new Step(
                        new AlertTrack(
                                true,
                                id,
                                observedAtMillis,
                                nextStreak,
                                windowEndMillis,
                                value,
                                previousAggregate,
                                lastActivityMillis,
                                deviceType,
                                rule),
                        AlertState.RAISED);
            }
            return new Step(withObservation(false, null, 0L, nextStreak, windowEndMillis, value), null);
        }
        if (clearHolds(rule, value)) {
            return new Step(withObservation(false, null, 0L, 0, windowEndMillis, value), AlertState.CLEARED);
        }
        return new Step(withObservation(true, alertId, raisedAtMillis, streak, windowEndMillis, value), null);
    }

    /** RATE_OF_CHANGE: remembers the aggregate of the window just evaluated, the base of the next rate. */
    public AlertTrack withPreviousAggregate(double aggregate, long windowEndMillis) {
        return new AlertTrack(
                open,
                alertId,
                raisedAtMillis,
                streak,
                windowEndMillis,
                lastValue,
                aggregate,
                lastActivityMillis,
                deviceType,
                rule);
    }

    /** INACTIVITY: a matching reading arrived at {@code nowMillis}; closes an open episode. */
    public Step activity(long nowMillis) {
        AlertTrack next = new AlertTrack(
                false,
                null,
                0L,
                0,
                lastWindowEndMillis,
                (nowMillis - lastActivityMillis) / 1000.0,
                previousAggregate,
                nowMillis,
                deviceType,
                rule);
        return new Step(next, open ? AlertState.CLEARED : null);
    }

    /**
     * INACTIVITY: checks the silence at {@code nowMillis}. The episode opens only when the silence strictly exceeds
     * the timeout, so a reading arriving exactly at the timeout never races with a raise.
     */
    public Step silence(String deviceId, long nowMillis) {
        long silence = nowMillis - lastActivityMillis;
        if (open || rule.getInactivityTimeoutMillis() == null || silence <= rule.getInactivityTimeoutMillis()) {
            return new Step(this, null);
        }
        AlertTrack next = new AlertTrack(
                true,
                AlertIds.of(deviceId, rule.getRuleId(), nowMillis),
                nowMillis,
                0,
                lastWindowEndMillis,
                silence / 1000.0,
                previousAggregate,
                lastActivityMillis,
                deviceType,
                rule);
        return new Step(next, AlertState.RAISED);
    }

    private AlertTrack withObservation(
            boolean isOpen, String id, long raisedAt, int nextStreak, long windowEndMillis, double value) {
        return new AlertTrack(
                isOpen,
                id,
                raisedAt,
                nextStreak,
                windowEndMillis,
                value,
                previousAggregate,
                lastActivityMillis,
                deviceType,
                rule);
    }

    /** ABOVE: value strictly above the raise threshold; BELOW: strictly below it. */
    public static boolean raiseHolds(AlertRule rule, double value) {
        return rule.getDirection() == ThresholdDirection.ABOVE
                ? value > rule.getRaiseThreshold()
                : value < rule.getRaiseThreshold();
    }

    /** ABOVE: value strictly below the clear threshold; BELOW: strictly above it. */
    public static boolean clearHolds(AlertRule rule, double value) {
        return rule.getDirection() == ThresholdDirection.ABOVE
                ? value < rule.getClearThreshold()
                : value > rule.getClearThreshold();
    }

    /**
     * Outcome of one observation.
     *
     * @param next the state to store
     * @param transition RAISED or CLEARED when an event must be published, otherwise null
     */
    public record Step(AlertTrack next, AlertState transition) {}
}
