-- The stream processor republishes a window with the next revision when a late reading corrects it; the sink keeps
-- the highest revision it has seen (the first value stored at one revision wins). Rows written before this migration
-- were all closing results, i.e. revision 0.
ALTER TABLE window_aggregates ADD COLUMN revision integer NOT NULL DEFAULT 0;

-- What kind of rule raised an alert, and why an episode cleared when the clear condition did not do it
-- (RULE_DELETED, RULE_DISABLED, RULE_CHANGED, DEVICE_DELETED; null when the clear condition cleared it or while open).
-- Alerts stored before this migration came from threshold rules, the only kind there was.
ALTER TABLE alerts ADD COLUMN rule_kind text NOT NULL DEFAULT 'THRESHOLD';
ALTER TABLE alerts ADD COLUMN cause text;

ALTER TABLE alert_events ADD COLUMN rule_kind text NOT NULL DEFAULT 'THRESHOLD';
ALTER TABLE alert_events ADD COLUMN cause text;
