/**
 * Names the cloud derives from config, checked against the cloud's limits before anything is
 * created: each would otherwise fail in the middle of a `pulumi up`.
 */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { EKS_CLUSTER_NAME } from "../schema/cluster";
import { Slot } from "../schema/slots";
import { PROJECT } from "../schema/stage";

/**
 * A managed node group's name is `<cluster>-<group>-` and the 26 characters Terraform's
 * PrefixedUniqueId appends (@pulumi/aws nodeGroupNamePrefix), within the 63 EKS allows.
 */
export const MAX_NODE_GROUP_PREFIX = 63 - 26;
/** Fargate profiles per cluster, and namespace selectors per profile (EKS service quotas). */
export const MAX_FARGATE_PROFILES = 10;
export const SELECTORS_PER_PROFILE = 5;
/** Lambda function names are at most 64 characters (Lambda CreateFunction). */
export const MAX_LAMBDA_NAME = 64;
/** EventBridge rule names are at most 64 characters (EventBridge PutRule). */
export const MAX_EVENT_RULE_NAME = 64;

/** Chatbot delivery's EventBridge rule that posts alarms' recoveries (`alarm-recoveries.ts`). */
export function recoveryRuleName(namePrefix: string): string {
    return `${namePrefix}-alarm-recovered`;
}

/**
 * The EKS cluster's name: `cluster.name`, else `eks-platform-<stack>` (blue, and a single
 * cluster) or `eks-platform-<stack>-green`, so two stacks or two slots never share one.
 */
export function clusterName(cluster: Record<string, any>, stack: string, slot: Slot = "blue"): string {
    return validOrUndefined(z.string(), cluster.name) ?? defaultClusterName(stack, slot);
}

export function defaultClusterName(stack: string, slot: Slot = "blue"): string {
    return slot === "blue" ? `${PROJECT}-${stack}` : `${PROJECT}-${stack}-${slot}`;
}

export function nameProblems(
    stack: string,
    clusterInput: unknown,
    appsInput: unknown,
    monitoringInput: unknown,
    slot: Slot = "blue",
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const cluster = (clusterInput ?? {}) as Record<string, any>;
    const name = clusterName(cluster, stack, slot);
    if (cluster.name === undefined && !EKS_CLUSTER_NAME.test(name)) {
        problems.push({
            key: `${PROJECT}:cluster.name`,
            value: undefined,
            expected: `is required for stack "${stack}": the default cluster name "${name}" is not one EKS accepts (letters, digits, '-' and '_', at most 100 characters)`,
        });
    }
    const groups = validOrUndefined(z.record(z.string(), z.looseObject({ kind: z.string().optional() })), cluster.nodeGroups ?? {}) ?? {};
    for (const [group, settings] of Object.entries(groups)) {
        const prefix = `${name}-${group}-`;
        if ((settings.kind ?? "managed") === "managed" && prefix.length > MAX_NODE_GROUP_PREFIX) {
            problems.push({
                key: `${PROJECT}:cluster.nodeGroups.${group}`,
                value: group,
                expected: `expected a shorter node group or cluster name: the managed node group's name prefix "${prefix}" has ${prefix.length} characters, and EKS allows ${MAX_NODE_GROUP_PREFIX} before the 26-character unique suffix`,
            });
        }
    }
    const apps = Object.keys(validOrUndefined(z.record(z.string(), z.unknown()), appsInput ?? {}) ?? {});
    // kube-system, datadog, external-secrets, external-dns at most, and one per app.
    const namespaces = 4 + apps.length;
    if (cluster.fargateOnly === true && namespaces > MAX_FARGATE_PROFILES * SELECTORS_PER_PROFILE) {
        problems.push({
            key: `${PROJECT}:cluster.fargateOnly`,
            value: true,
            expected: `expected at most ${MAX_FARGATE_PROFILES * SELECTORS_PER_PROFILE - 4} apps on a Fargate-only cluster: ${MAX_FARGATE_PROFILES} profiles of ${SELECTORS_PER_PROFILE} namespaces each`,
        });
    }
    const delivery = (monitoringInput as { slack?: { delivery?: unknown } } | undefined)?.slack?.delivery;
    const functionName = `${PROJECT}-${stack}-slack-notifier`;
    if (delivery === "lambda" && functionName.length > MAX_LAMBDA_NAME) {
        problems.push({
            key: `${PROJECT}:monitoring.slack.delivery`,
            value: "lambda",
            expected: `expected a shorter stack name for Lambda delivery: the notifier's name "${functionName}" has ${functionName.length} characters, and Lambda allows ${MAX_LAMBDA_NAME}`,
        });
    }
    const ruleName = recoveryRuleName(`${PROJECT}-${stack}`);
    if ((delivery ?? "chatbot") === "chatbot" && ruleName.length > MAX_EVENT_RULE_NAME) {
        problems.push({
            key: `${PROJECT}:monitoring.slack.delivery`,
            value: "chatbot",
            expected: `expected a shorter stack name for chatbot delivery: the recoveries' EventBridge rule "${ruleName}" has ${ruleName.length} characters, and EventBridge allows ${MAX_EVENT_RULE_NAME}`,
        });
    }
    return problems;
}
