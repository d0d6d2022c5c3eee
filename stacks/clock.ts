/**
 * The day config validation and the policy pack judge support windows on: today, unless a caller
 * pins it. The specs pin it (tests/support/committed-stacks.ts), so the suite does not depend on
 * the date it runs; the check of the committed stack files keeps the real date on purpose.
 */
let pinned: Date | undefined;

export function today(): Date {
    return pinned ? new Date(pinned.getTime()) : new Date();
}

/** Pins the day `today()` returns; `undefined` releases it. */
export function pinToday(day: Date | undefined): void {
    pinned = day && new Date(day.getTime());
}
