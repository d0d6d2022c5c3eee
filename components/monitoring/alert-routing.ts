/**
 * How an alarm reaches Slack, as a tag both the alarms and the policy pack read: a burn-rate
 * window alarm notifies no one itself, the composite alarm that ANDs it with another does.
 */
export const NOTIFIES_THROUGH_COMPOSITE = { AlertsThrough: "composite-alarm" } as const;
