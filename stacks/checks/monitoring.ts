/** Cross-checks of `eks-platform:monitoring`: values that pass the schema but cannot work together. */
import { ConfigProblem, validOrUndefined } from "../problems";
import { monitoringSchema } from "../schema/monitoring";
import { PROJECT } from "../schema/stage";

/** Slack delivery needs its ids; a warning threshold must fire before its critical one. */
export function monitoringProblems(input: unknown): ConfigProblem[] {
    const monitoring = validOrUndefined(monitoringSchema, input);
    if (!monitoring) {
        return [];
    }
    const problems: ConfigProblem[] = [];
    const key = `${PROJECT}:monitoring`;
    if (monitoring.slack.delivery === "chatbot") {
        for (const id of ["workspaceId", "channelId"] as const) {
            if (monitoring.slack[id] === undefined) {
                problems.push({ key: `${key}.slack.${id}`, value: undefined, expected: "is required for chatbot delivery: AWS Chatbot posts to this Slack workspace and channel" });
            }
        }
    }
    const { datadog } = monitoring;
    const rising = { crashLoopBackOff: datadog.crashLoopBackOff, containerRestarts: datadog.containerRestarts, cpuOfLimit: datadog.cpuOfLimit, memoryOfLimit: datadog.memoryOfLimit };
    for (const [name, t] of Object.entries(rising)) {
        if (t.warning !== undefined && t.warning >= t.critical) {
            problems.push({ key: `${key}.datadog.${name}.warning`, value: t.warning, expected: `expected a warning below the critical threshold (${t.critical})` });
        }
    }
    const availability = datadog.deploymentAvailability;
    if (availability.warning !== undefined && availability.warning <= availability.critical) {
        problems.push({
            key: `${key}.datadog.deploymentAvailability.warning`, value: availability.warning,
            expected: `expected a warning above the critical ratio (${availability.critical}): availability falls through it first`,
        });
    }
    return problems;
}
