/**
 * Service level objectives and their burn-rate alerts: `eks-platform:apps.<app>.slo` (the
 * objective) and `eks-platform:monitoring.burnRateAlerts` (when it pages).
 *
 * Burn rate: how fast the error budget is spent, 1 being exactly the whole budget over the SLO
 * window. An alert tier fires when the budget share `budgetPercent` would be spent in its long
 * window, so its burn rate is budgetPercent/100 x SLO window / long window, and its error-ratio
 * threshold burn rate x (1 - objective). The defaults are the Google SRE Workbook's
 * (chapter "Alerting on SLOs", table 5-8) for a 30-day objective: 2% of the budget in 1 h (14.4x)
 * and 5% in 6 h (6x) page, 10% in 3 days (1x) is a ticket; each long window is confirmed by a
 * short one of 1/12 its length, so an alert stops soon after the burn does.
 */
import { z } from "zod";
import { Stage } from "./stage";

/** SLO windows Datadog's SLO objects take (timeframe 7d, 30d or 90d), mirrored by the alarms. */
export const SLO_WINDOW_DAYS = [7, 30, 90] as const;
export type SloWindowDays = (typeof SLO_WINDOW_DAYS)[number];

/**
 * Decimals a metric-based Datadog SLO's target takes (DataDog/documentation
 * service_level_objectives/_index.md, "Setting SLO targets": up to three for metric-based SLOs).
 */
export const MAX_SLO_TARGET_DECIMALS = 3;

/** Decimals of a number as written: 99.95 has 2. */
export function decimals(value: number): number {
    const [, fraction = ""] = String(value).split(".");
    return fraction.length;
}

/** The availability objective of an app when its stack file sets none. */
export const DEFAULT_AVAILABILITY_PERCENT: Record<Stage, number> = { dev: 99, stg: 99.5, prd: 99.9 };

/** `eks-platform:apps.<app>.slo`: share of requests answered without a 5XX, over a rolling window. */
export const sloSchema = z.strictObject({
    availabilityPercent: z.number({ error: "expected a percentage such as 99.9" }).superRefine((v, ctx) => {
        if (v > 0 && v < 1) {
            ctx.addIssue({ code: "custom", input: v, message: `expected a percentage such as 99.9: ${v} looks like a fraction (for ${v * 100}% write ${v * 100})` });
        } else if (!(v >= 50 && v < 100)) {
            ctx.addIssue({ code: "custom", input: v, message: "expected a percentage from 50 to below 100: at 100 there is no error budget to burn" });
        } else if (decimals(v) > MAX_SLO_TARGET_DECIMALS) {
            ctx.addIssue({ code: "custom", input: v, message: `expected at most ${MAX_SLO_TARGET_DECIMALS} decimals, which a Datadog metric SLO's target takes: ${v} has ${decimals(v)} (such as ${Math.floor(v * 1000) / 1000})` });
        }
    }).optional().describe("The share of requests answered without a 5XX, in percent from 50 to below 100, at most 3 decimals (what a Datadog SLO takes); `0.999` is refused as a fraction. Default: 99.9 in prd, 99.5 in stg, 99 in dev."),
    windowDays: z.literal(SLO_WINDOW_DAYS, { error: "expected 7, 30 or 90 (the SLO windows Datadog takes)" }).default(30).describe("The SLO's rolling window in days: the windows a Datadog SLO takes."),
});

export type SloInput = z.output<typeof sloSchema>;
export interface Slo {
    readonly availabilityPercent: number;
    readonly windowDays: SloWindowDays;
}

export function resolveSlo(input: SloInput | undefined, stage: Stage): Slo {
    return { availabilityPercent: input?.availabilityPercent ?? DEFAULT_AVAILABILITY_PERCENT[stage], windowDays: input?.windowDays ?? 30 };
}

const minutes = (what: string) => z.int({ error: `expected ${what} in whole minutes` }).positive({ error: `expected ${what} in whole minutes` });

export const burnRateTierSchema = z.strictObject({
    severity: z.enum(["page", "ticket"], { error: 'expected "page" or "ticket"' }).describe("`page`: wake someone; `ticket`: look at it in working hours. Both post to the stage's channel."),
    longWindowMinutes: minutes("the long window").describe("The window the budget share is spent in; at most 10080 (7 days), distinct across tiers."),
    shortWindowMinutes: minutes("the short window").describe("The confirming window, shorter than the long one, so the alert stops soon after the burn does."),
    budgetPercent: z.number({ error: "expected a percentage of the error budget" })
        .positive({ error: "expected a percentage of the error budget above 0" })
        .max(100, { error: "expected a percentage of the error budget, at most 100" }).describe("The share of the whole window's budget spent in the long window when the alert fires."),
});
export type BurnRateTier = z.output<typeof burnRateTierSchema>;

/** The SRE Workbook's tiers for a 30-day objective (table 5-8). */
export const DEFAULT_BURN_RATE_TIERS: BurnRateTier[] = [
    { severity: "page", longWindowMinutes: 60, shortWindowMinutes: 5, budgetPercent: 2 },
    { severity: "page", longWindowMinutes: 6 * 60, shortWindowMinutes: 30, budgetPercent: 5 },
    { severity: "ticket", longWindowMinutes: 3 * 24 * 60, shortWindowMinutes: 6 * 60, budgetPercent: 10 },
];

export const burnRateTiersSchema = z.array(burnRateTierSchema).min(1, { error: "expected at least one burn-rate tier" }).default(DEFAULT_BURN_RATE_TIERS);

/** The burn rate a tier alerts at: its budget share, spread over the long window. */
export function burnRate(tier: Pick<BurnRateTier, "budgetPercent" | "longWindowMinutes">, windowDays: number): number {
    return round((tier.budgetPercent / 100) * (windowDays * 24 * 60) / tier.longWindowMinutes);
}

/** The error budget: the share of requests that may fail, 0.001 for 99.9%. */
export function errorBudget(availabilityPercent: number): number {
    return round((100 - availabilityPercent) / 100, 10);
}

/** The failed share of requests at which a tier's alarms fire: burn rate x error budget. */
export function errorRatioThreshold(rate: number, availabilityPercent: number): number {
    return round(rate * errorBudget(availabilityPercent), 8);
}

function round(n: number, digits = 4): number {
    return Math.round(n * 10 ** digits) / 10 ** digits;
}
