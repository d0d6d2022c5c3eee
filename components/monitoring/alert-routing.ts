/**
 * How an alarm reaches Slack, as a tag both the alarms and the policy pack read: a burn-rate
 * window alarm notifies no one itself, the composite alarm that ANDs it with another does.
 */
export const NOTIFIES_THROUGH_COMPOSITE = { AlertsThrough: "composite-alarm" } as const;

/**
 * A burn-rate window alarm's name ends with this: the recoveries' rule leaves those out, since
 * their composite posts (`alarm-recoveries.ts`).
 */
export const WINDOW_ALARM_SUFFIX = " window";
