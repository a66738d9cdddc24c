package io.fleetstream.processor.domain;

import io.fleetstream.schema.AlertRule;
import io.fleetstream.schema.AlertState;
import io.fleetstream.schema.ThresholdDirection;

/**
 * Alert state of one (device, rule) pair, and the state machine that moves it one final window at a time.
 *
 * <p>While no episode is open, {@code streak} counts the adjacent windows (each starting where the previous one ended)
 * that met the raise condition; a window that does not meet it, or a gap, starts over. When the streak reaches the
 * rule's consecutive-window count, an episode opens, raised at the end of that window. While an episode is open only
 * the clear condition is checked, so values between the clear and the raise threshold keep it open (hysteresis).
 *
 * @param open whether an episode is open
 * @param alertId id of the open episode, null when none is open
 * @param raisedAtMillis event time the open episode was raised (end of its raising window), 0 when none is open
 * @param streak adjacent windows in a row that met the raise condition
 * @param lastWindowEndMillis end of the last window evaluated, {@link Long#MIN_VALUE} before the first
 */
public record AlertTrack(boolean open, String alertId, long raisedAtMillis, int streak, long lastWindowEndMillis) {

    /** The state of a pair that has never been evaluated. */
    public static final AlertTrack INITIAL = new AlertTrack(false, null, 0L, 0, Long.MIN_VALUE);

    /** Whether this state carries no information beyond {@link #INITIAL} (and so need not be stored). */
    public boolean isIdle() {
        // With a streak of 0 the next raising window starts a streak of 1 whatever the last window end was.
        return !open && streak == 0;
    }

    /**
     * Evaluates one final window.
     *
     * @param rule the rule being evaluated
     * @param deviceId the device the window belongs to
     * @param value the rule's aggregation of the window
     * @param windowStartMillis inclusive start of the window
     * @param windowEndMillis exclusive end of the window
     * @return the next state, and the transition to publish if any
     */
    public Step evaluate(AlertRule rule, String deviceId, double value, long windowStartMillis, long windowEndMillis) {
        if (!open) {
            int nextStreak = raiseHolds(rule, value) ? (lastWindowEndMillis == windowStartMillis ? streak + 1 : 1) : 0;
            if (nextStreak >= Math.max(1, rule.getConsecutiveWindows())) {
                String id = AlertIds.of(deviceId, rule.getRuleId(), windowEndMillis);
                return new Step(
                        new AlertTrack(true, id, windowEndMillis, nextStreak, windowEndMillis), AlertState.RAISED);
            }
            return new Step(new AlertTrack(false, null, 0L, nextStreak, windowEndMillis), null);
        }
        if (clearHolds(rule, value)) {
            return new Step(new AlertTrack(false, null, 0L, 0, windowEndMillis), AlertState.CLEARED);
        }
        return new Step(new AlertTrack(true, alertId, raisedAtMillis, streak, windowEndMillis), null);
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
     * Outcome of evaluating one window.
     *
     * @param next the state to store
     * @param transition RAISED or CLEARED when an event must be published, otherwise null
     */
    public record Step(AlertTrack next, AlertState transition) {}
}
