/** Cross-checks of `eks-platform:monitoring`: values that pass the schema but cannot work together. */
import { ConfigProblem, validOrUndefined } from "../problems";
import { FALLING_MONITORS, MONITOR_SETTINGS, MonitorName, resolveDatadogThresholds } from "../schema/datadog-monitors";
import { monitoringSchema } from "../schema/monitoring";
import type { Stage } from "../schema/stage";
import { PROJECT, stageProfile, stagesWhere } from "../schema/stage";

/** The most 5XX responses the error budget may allow: above it, an outage stays within budget. */
export const MAX_ALLOWED_ERROR_RATE = 0.05;

/**
 * Slack delivery needs its ids; a warning threshold must fire before its critical one; the ALB
 * alarms must be able to fire, and not fire on a healthy service. `idleTimeoutSeconds`: the ALB's.
 */
export function monitoringProblems(
    stage: Stage | undefined,
    input: unknown,
    idleTimeoutSeconds: number | undefined,
    datadogEnabled: boolean,
): ConfigProblem[] {
    const monitoring = validOrUndefined(monitoringSchema, input);
    if (!monitoring) {
        return [];
    }
    const key = `${PROJECT}:monitoring`;
    const problems: ConfigProblem[] = datadogEnabled ? [] : datadogOffProblems(input as Record<string, any>);
    if (datadogEnabled && monitoring.slack.datadogAccount === undefined) {
        problems.push({
            key: `${key}.slack.datadogAccount`,
            value: undefined,
            expected:
                "is required while Datadog is on (addons.datadog): monitors notify the channel as @slack-<datadogAccount>-<channelName>",
        });
    }
    // Only prd pages (components/monitoring/datadog-monitors.ts): elsewhere the handles would be dropped silently.
    if (stage !== undefined && !stageProfile(stage).pages && monitoring.pageHandles.length > 0) {
        problems.push({
            key: `${key}.pageHandles`,
            value: monitoring.pageHandles,
            expected: `expected no page handles in ${stage}: only ${stagesWhere((p) => p.pages).join(", ")} stages page, so these would be ignored; alerts of ${stage} go to the Slack channel`,
        });
    }
    const alb = monitoring.alb;
    if (alb.allowedErrorRate > MAX_ALLOWED_ERROR_RATE) {
        problems.push({
            key: `${key}.alb.allowedErrorRate`,
            value: alb.allowedErrorRate,
            expected: `expected at most ${MAX_ALLOWED_ERROR_RATE} (5% of requests failing): ${alb.allowedErrorRate} is ${alb.allowedErrorRate * 100}% (for ${alb.allowedErrorRate}% write ${alb.allowedErrorRate / 100})`,
        });
    }
    const budget = alb.peakRequestsPerMinute * alb.allowedErrorRate;
    if (budget < 1) {
        problems.push({
            key: `${key}.alb.allowedErrorRate`,
            value: alb.allowedErrorRate,
            expected: `expected peakRequestsPerMinute x allowedErrorRate of at least 1 error a minute: ${alb.peakRequestsPerMinute} x ${alb.allowedErrorRate} = ${budget}, so every single 5XX would alarm`,
        });
    }
    if (alb.minRequestsPerMinute >= alb.peakRequestsPerMinute) {
        problems.push({
            key: `${key}.alb.minRequestsPerMinute`,
            value: alb.minRequestsPerMinute,
            expected: `expected a traffic floor below the peak (${alb.peakRequestsPerMinute} requests a minute): the error-rate alarm counts only above it, so it would never fire`,
        });
    }
    if (idleTimeoutSeconds !== undefined && alb.responseTime.thresholdSeconds >= idleTimeoutSeconds) {
        const ms =
            alb.responseTime.thresholdSeconds >= 50
                ? ` (for ${alb.responseTime.thresholdSeconds} ms write ${alb.responseTime.thresholdSeconds / 1000})`
                : "";
        problems.push({
            key: `${key}.alb.responseTime.thresholdSeconds`,
            value: alb.responseTime.thresholdSeconds,
            expected: `expected seconds below the ALB's idle timeout (${idleTimeoutSeconds} s), which ends slower requests: the alarm would never fire${ms}`,
        });
    }
    if (monitoring.slack.delivery === "chatbot") {
        for (const id of ["workspaceId", "channelId"] as const) {
            if (monitoring.slack[id] === undefined) {
                problems.push({
                    key: `${key}.slack.${id}`,
                    value: undefined,
                    expected: "is required for chatbot delivery: AWS Chatbot posts to this Slack workspace and channel",
                });
            }
        }
    }
    // The notifier's own alarms cannot be posted by the notifier: they need a route of their own.
    if (monitoring.slack.delivery === "lambda" && monitoring.slack.notifierFailureEmail === undefined) {
        problems.push({
            key: `${key}.slack.notifierFailureEmail`,
            value: undefined,
            expected:
                "is required for lambda delivery: when the notifier fails, its alarms are mailed here (a Slack channel's email address or an on-call mailbox), since they cannot go through it",
        });
    }
    if (monitoring.slack.delivery === "chatbot" && monitoring.slack.notifierFailureEmail !== undefined) {
        problems.push({
            key: `${key}.slack.notifierFailureEmail`,
            value: monitoring.slack.notifierFailureEmail,
            expected: "expected no notifierFailureEmail with chatbot delivery: there is no notifier whose failures it would receive",
        });
    }
    // Judged on what the monitors will use: the stage's defaults under what the file sets.
    const datadog = resolveDatadogThresholds(monitoring.datadog, stage ?? "dev");
    for (const name of Object.keys(MONITOR_SETTINGS) as MonitorName[]) {
        const { critical, warning } = datadog[name];
        const falling = FALLING_MONITORS.has(name);
        if (warning !== undefined && (falling ? warning <= critical : warning >= critical)) {
            problems.push({
                key: `${key}.datadog.${name}.warning`,
                value: warning,
                expected: falling
                    ? `expected a warning above the critical threshold (${critical}): the value falls through it first`
                    : `expected a warning below the critical threshold (${critical})`,
            });
        }
    }
    return problems;
}

/** Datadog settings that nothing would read while the agent is off, so no monitor exists. */
function datadogOffProblems(input: Record<string, any>): ConfigProblem[] {
    const unused = {
        "slack.datadogAccount": input.slack?.datadogAccount,
        "pageHandles": input.pageHandles?.length > 0 ? input.pageHandles : undefined,
        "datadog": input.datadog,
    };
    return Object.entries(unused)
        .filter(([, value]) => value !== undefined)
        .map(([path, value]) => ({
            key: `${PROJECT}:monitoring.${path}`,
            value,
            expected: "expected no Datadog settings while addons.datadog.enabled is false: no Datadog monitor exists to use them",
        }));
}
