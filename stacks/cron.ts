/**
 * The cron syntax Karpenter parses a disruption budget's `schedule` with: robfig/cron v3.0.1's
 * ParseStandard behind `TZ=UTC` (kubernetes-sigs/karpenter pkg/apis/v1/nodepool.go at the
 * commit karpenter-provider-aws v1.14.1 pins). Five fields (minute 0-59, hour 0-23, day of month
 * 1-31, month 1-12 or jan-dec, day of week 0-6 or sun-sat; robfig spec.go bounds), each `*` or
 * `?`, a value, a range `a-b`, a step `/n` on either, or a comma list of those; or one of the
 * descriptors the NodePool CRD's pattern admits (@yearly, @annually, @monthly, @weekly, @daily,
 * @midnight, @hourly; not @every). Names are case-insensitive; L, W, # and 7 for Sunday are not
 * robfig syntax, and a TZ= prefix would make six fields (Karpenter schedules are UTC).
 */

const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface Field {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS },
    { name: "day of week", min: 0, max: 6, names: DAYS },
];

function value(field: Field, text: string): number | string {
    const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
    if (named >= 0) {
        return field === FIELDS[3] ? named + 1 : named;
    }
    if (!/^\d+$/.test(text)) {
        return `${field.name} "${text}" is not a number${field.names ? ` or a name (${field.names[0]}-${field.names[field.names.length - 1]})` : ""}`;
    }
    const n = Number(text);
    return n < field.min || n > field.max ? `${field.name} ${n} is outside ${field.min}-${field.max}` : n;
}

function rangeProblem(field: Field, part: string): string | undefined {
    const [range, step, ...rest] = part.split("/");
    if (rest.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
        return `${field.name} "${part}" has a step that is not a whole number above 0`;
    }
    if (range === "*" || range === "?") {
        return undefined;
    }
    const ends = range.split("-");
    if (ends.length > 2 || ends.some((end) => end === "")) {
        return `${field.name} "${part}" is not a value or a range a-b`;
    }
    const [from, to] = ends.map((end) => value(field, end));
    for (const end of [from, to]) {
        if (typeof end === "string") {
            return end;
        }
    }
    return to !== undefined && (to as number) < (from as number) ? `${field.name} range "${range}" ends before it starts` : undefined;
}

/** Why Karpenter would not parse `schedule`, or undefined when it would. */
export function cronProblem(schedule: string): string | undefined {
    if (schedule.startsWith("@")) {
        return DESCRIPTORS.includes(schedule) ? undefined : `${schedule} is not a descriptor Karpenter takes (${DESCRIPTORS.join(", ")})`;
    }
    if (/^(CRON_)?TZ=/.test(schedule)) {
        return "a time zone is not allowed: Karpenter evaluates every schedule in UTC";
    }
    const fields = schedule.trim().split(/\s+/);
    if (fields.length !== FIELDS.length) {
        return `it has ${fields.length} fields, not 5 (minute hour day-of-month month day-of-week)`;
    }
    for (const [i, text] of fields.entries()) {
        for (const part of text.split(",")) {
            const problem = part === "" ? `${FIELDS[i].name} "${text}" has an empty list item` : rangeProblem(FIELDS[i], part);
            if (problem) {
                return problem;
            }
        }
    }
    return undefined;
}
