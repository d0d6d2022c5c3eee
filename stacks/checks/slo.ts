/**
 * Burn-rate tiers and objectives that CloudWatch would refuse, or whose alarms could never fire.
 */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { burnRate, burnRateTiersSchema, errorRatioThreshold, resolveSlo, sloSchema } from "../schema/slo";
import { PROJECT, Stage } from "../schema/stage";

/**
 * CloudWatch evaluates an alarm over period x evaluation periods: at most 7 days, and at most
 * 1 day when the period is under an hour (PutMetricAlarm, Period). Each window is one period.
 */
export const MAX_ALARM_WINDOW_MINUTES = 7 * 24 * 60;

export function sloProblems(stage: Stage | undefined, monitoringInput: unknown, appsInput: unknown): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const tiers = validOrUndefined(burnRateTiersSchema, (monitoringInput as { burnRateAlerts?: unknown } | undefined)?.burnRateAlerts);
    const seen = new Map<string, number>();
    tiers?.forEach((tier, i) => {
        const key = `${PROJECT}:monitoring.burnRateAlerts.${i}`;
        const windows = `${tier.longWindowMinutes}/${tier.shortWindowMinutes}`;
        if (seen.has(windows)) {
            problems.push({
                key,
                value: tier,
                expected: `expected windows of its own: tier ${seen.get(windows)} has the same long and short windows`,
            });
        }
        seen.set(windows, i);
        if (tier.shortWindowMinutes >= tier.longWindowMinutes) {
            problems.push({
                key: `${key}.shortWindowMinutes`,
                value: tier.shortWindowMinutes,
                expected: `expected a short window below the long one (${tier.longWindowMinutes} minutes), about 1/12 of it: it confirms the burn is still going on`,
            });
        }
        if (tier.longWindowMinutes > MAX_ALARM_WINDOW_MINUTES) {
            problems.push({
                key: `${key}.longWindowMinutes`,
                value: tier.longWindowMinutes,
                expected: `expected at most ${MAX_ALARM_WINDOW_MINUTES} minutes (7 days): CloudWatch evaluates an alarm over 7 days at most`,
            });
        }
    });
    if (!stage || !tiers) {
        return problems;
    }
    const apps = validOrUndefined(z.record(z.string(), z.looseObject({ slo: sloSchema.optional() })), appsInput ?? {}) ?? {};
    for (const [app, { slo: input }] of Object.entries(apps)) {
        const slo = resolveSlo(input, stage);
        tiers.forEach((tier, i) => {
            const rate = burnRate(tier, slo.windowDays);
            const threshold = errorRatioThreshold(rate, slo.availabilityPercent);
            if (threshold >= 1) {
                problems.push({
                    key: `${PROJECT}:apps.${app}.slo.availabilityPercent`,
                    value: slo.availabilityPercent,
                    expected: `expected an objective whose burn-rate alerts can fire: tier ${i} (${rate}x) would need ${round(threshold * 100)}% of requests to fail; aim at ${minimumObjective(rate)}% or more, or lower that tier's budgetPercent`,
                });
            }
        });
    }
    return problems;
}

/** The lowest objective at which `rate` times the budget is still below every request failing. */
function minimumObjective(rate: number): number {
    return Math.ceil((100 - 100 / rate) * 100) / 100;
}

function round(n: number): number {
    return Math.round(n * 100) / 100;
}
