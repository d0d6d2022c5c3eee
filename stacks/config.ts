/**
 * The stack configuration: one schema for everything a stack file sets, one loader.
 *
 * Only this module reads `pulumi.Config`. It validates every key before a single resource is
 * registered and reports all problems at once, each naming the stack, the key, the bad value
 * and what is expected.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { crossSectionProblems } from "./checks";
import { today } from "./clock";
import { clusterName } from "./checks/names";
import { problemsForSlot, slotInputs, slotProblems, slotWeights } from "./checks/slots";
import { ClusterSlotConfig, PlatformConfig } from "./platform-config";
import { ConfigProblem, problemsFromIssues, StackConfigError } from "./problems";
import { AddonsConfig, addonsSchema, datadogSiteSchema, resolveAddons } from "./schema/addons";
import { appsSchema } from "./schema/apps";
import { ciSchema } from "./schema/ci";
import { clusterSchema, resolveAutoscaler } from "./schema/cluster";
import { ContainerResources } from "./schema/fields";
import { loadBalancerSchema } from "./schema/load-balancer";
import { resolveDatadogThresholds } from "./schema/datadog-monitors";
import { monitoringSchema } from "./schema/monitoring";
import { regionProblems, unknownKeyProblems } from "./checks/keys";
import { networkSchema } from "./schema/network";
import { resolveSlo } from "./schema/slo";
import { clustersSchema, SLOTS, trafficSchema } from "./schema/slots";
import { PROJECT, Stage, stageProfile, STAGES } from "./schema/stage";
import { DATADOG_API_KEY, DATADOG_APP_KEY, dbPasswordKey, readSecret, requiredSecrets, secretEnvKey, SLACK_WEBHOOK_KEY } from "./secrets";

export { AddonsConfig, ContainerResources, PROJECT, Stage, STAGES };
export type {
    AppConfig,
    ClusterConfig,
    ClusterSlotConfig,
    LoadBalancerConfig,
    NetworkConfig,
    NodeGroupConfig,
    NodePoolConfig,
    PlatformConfig,
} from "./platform-config";
export { SLOTS, Slot } from "./schema/slots";
export { REQUIRED_CLUSTER_LOG_TYPES } from "./schema/cluster";
export { SUPPORTED_KUBERNETES_VERSIONS } from "./kubernetes-versions";
export { ConfigProblem, formatProblems, StackConfigError } from "./problems";
export {
    DATADOG_API_KEY,
    DATADOG_APP_KEY,
    dbPasswordKey,
    RequiredSecret,
    requiredSecrets,
    secretEnvKey,
    SLACK_WEBHOOK_KEY,
} from "./secrets";

/** Every `eks-platform:` key a stack file may set, with its schema. */
export const SECTIONS = {
    stage: z
        .enum(STAGES, { error: `expected one of ${STAGES.join(", ")}` })
        .describe(
            "The stage: it selects the stage's rules and defaults (docs/stages.md); a stack named after a stage (`prd`, `team-prd`) must deploy that stage.",
        ),
    network: networkSchema.describe("The VPC: its range, zones and NAT gateways."),
    cluster: clusterSchema
        .optional()
        .describe(
            "The EKS cluster, its node groups and Karpenter's NodePools. Required unless `eks-platform:clusters` holds blue/green slots.",
        ),
    clusters: clustersSchema.optional(),
    traffic: trafficSchema.optional(),
    apps: appsSchema.describe(
        "The stack's web applications, by name; each gets a namespace, a Deployment, a target group behind the ALB, alarms and an SLO (docs/applications.md).",
    ),
    addons: addonsSchema,
    loadBalancer: loadBalancerSchema,
    monitoring: monitoringSchema,
    ci: ciSchema.describe("The identities and runners that run Pulumi for this stack from CI (docs/ci.md)."),
    /** A simple key, so Pulumi.yaml can give it a project-wide default. */
    datadogSite: datadogSiteSchema,
} as const;
type SectionName = keyof typeof SECTIONS;
type Sections = { [K in SectionName]: z.output<(typeof SECTIONS)[K]> };

/** Keys whose values are structured (objects in the stack file, JSON strings to the program). */
const STRUCTURED: ReadonlySet<SectionName> = new Set<SectionName>([
    "network",
    "cluster",
    "clusters",
    "traffic",
    "apps",
    "addons",
    "loadBalancer",
    "monitoring",
    "ci",
]);

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** The raw config of a stack, as the Pulumi engine hands it to the program. */
export interface RawStackConfig {
    /** Full key (`eks-platform:cluster`, `aws:region`) -> raw string; structured values are JSON. */
    readonly values: Readonly<Record<string, string | undefined>>;
    /** Full keys whose values are secrets. */
    readonly secretKeys: ReadonlySet<string>;
}

export interface ParseOptions {
    /** The day support windows are judged on; `today()` by default. */
    readonly today?: Date;
}

/**
 * Validates a stack's raw config. Pure for a given `today`: the same input always gives the same
 * config or the same error, so every rule is tested without the Pulumi engine.
 */
export function parseStackConfig(stack: string, raw: RawStackConfig, options: ParseOptions = {}): PlatformConfig {
    const problems: ConfigProblem[] = [];
    const sections: Partial<Sections> = {};
    const inputs: Partial<Record<SectionName, unknown>> = {};

    for (const name of Object.keys(SECTIONS) as SectionName[]) {
        const key = `${PROJECT}:${name}`;
        const text = raw.values[key];
        let input: unknown = text;
        if (text !== undefined && STRUCTURED.has(name)) {
            try {
                input = JSON.parse(text);
            } catch {
                problems.push({ key, value: text, expected: `expected an object, set as a YAML map under ${key} in Pulumi.${stack}.yaml` });
                continue;
            }
        }
        inputs[name] = input;
        const result = SECTIONS[name].safeParse(input, { reportInput: true });
        if (result.success) {
            (sections as Record<string, unknown>)[name] = result.data;
        } else {
            problems.push(...problemsFromIssues(key, input, result.error.issues));
        }
    }

    const region = raw.values["aws:region"];
    const regionIssues = regionProblems(region);
    problems.push(...regionIssues);

    const required = requiredSecrets(raw.values);
    problems.push(...slotProblems(stack, inputs));
    // Each slot is checked as its own `cluster` against the shared sections, under its own key; a
    // problem of a shared section, found once per slot, is reported once.
    const seen = new Set<string>();
    const pushOnce = (problem: ConfigProblem) => {
        const id = JSON.stringify([problem.key, problem.value, problem.expected]);
        if (!seen.has(id)) {
            seen.add(id);
            problems.push(problem);
        }
    };
    for (const slot of slotInputs(inputs)) {
        const checked = crossSectionProblems(
            stack,
            { ...inputs, cluster: slot.input },
            regionIssues.length === 0 ? region : undefined,
            options.today ?? today(),
            slot.slot,
        );
        problemsForSlot(checked, slot).forEach(pushOnce);
    }
    const requiredKeys = required.map((s) => s.key);
    problems.push(
        ...unknownKeyProblems(
            raw.values,
            raw.secretKeys,
            [...Object.keys(SECTIONS).map((s) => `${PROJECT}:${s}`), ...requiredKeys.filter((k) => k.startsWith(`${PROJECT}:`))],
            [DATADOG_API_KEY, DATADOG_APP_KEY],
        ),
    );

    const secrets: Record<string, pulumi.Output<string>> = {};
    for (const { key } of required) {
        const secret = readSecret(raw, key, problems);
        if (secret) {
            secrets[key] = secret;
        }
    }

    const clusterSlots = SLOTS.flatMap((slot) => {
        const cluster = sections.clusters ? sections.clusters[slot] : slot === "blue" ? sections.cluster : undefined;
        return cluster ? [{ slot, cluster }] : [];
    });
    const resolved = clusterSlots.map(({ slot, cluster }) => {
        const addons =
            sections.addons &&
            sections.apps &&
            resolveAddons(sections.addons, {
                fargateOnly: cluster.fargateOnly,
                autoscaler: resolveAutoscaler(cluster),
                selfManagedNodeGroups: Object.values(cluster.nodeGroups).some((g) => g.kind === "self-managed"),
                apps: Object.keys(sections.apps).length > 0,
            });
        for (const problem of addons?.problems ?? []) {
            pushOnce({ key: `${PROJECT}:addons.${problem.path}`, value: problem.value, expected: problem.expected });
        }
        return { slot, cluster, addons: addons?.addons };
    });

    if (problems.length > 0) {
        throw new StackConfigError(stack, problems);
    }
    const { stage, network, apps, datadogSite, loadBalancer, monitoring, ci, traffic } = sections as Sections;
    const weights = slotWeights(
        resolved.map((r) => r.slot),
        traffic,
    );
    const slots: ClusterSlotConfig[] = resolved.map(({ slot, cluster, addons }) => ({
        slot,
        weight: weights[slot],
        cluster: {
            ...cluster,
            name: clusterName(cluster, stack, slot),
            autoscaler: resolveAutoscaler(cluster),
            logRetentionDays: cluster.logRetentionDays ?? stageProfile(stage).controlPlaneLogRetentionDays,
        },
        addons: addons!,
    }));
    return {
        stack,
        stage,
        region: region!,
        network,
        slots,
        apps: Object.fromEntries(
            Object.entries(apps).map(([name, app]) => [
                name,
                {
                    ...app,
                    name,
                    namespace: app.namespace ?? name,
                    slo: resolveSlo(app.slo, stage),
                    dbPassword: app.rds ? secrets[dbPasswordKey(name)] : undefined,
                    secretEnvValues: Object.fromEntries(app.secretEnv.map((variable) => [variable, secrets[secretEnvKey(name, variable)]])),
                },
            ]),
        ),
        ci,
        loadBalancer: {
            ...loadBalancer,
            accessLogs: loadBalancer.accessLogs ?? stageProfile(stage).loadBalancerSafeguards,
            deletionProtection: loadBalancer.deletionProtection ?? stageProfile(stage).loadBalancerSafeguards,
        },
        monitoring: {
            ...monitoring,
            datadog: resolveDatadogThresholds(monitoring.datadog, stage),
            slackWebhookUrl: secrets[SLACK_WEBHOOK_KEY],
        },
        datadog: slots[0].addons.datadog.enabled
            ? { site: datadogSite, apiKey: secrets[DATADOG_API_KEY], appKey: secrets[DATADOG_APP_KEY] }
            : undefined,
        tags: { Project: PROJECT, Stage: stage, Stack: stack, ManagedBy: "pulumi" },
    };
}

// ---------------------------------------------------------------------------------------------
// Loader
// ---------------------------------------------------------------------------------------------

// Pulumi's own check for secret config keys; internal to the SDK, so typed here once.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Reads and validates the current stack's config. Throws StackConfigError listing every problem. */
export function loadStackConfig(): PlatformConfig {
    const values = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(values).filter((key) => isConfigSecret(key)));
    return parseStackConfig(pulumi.getStack(), { values, secretKeys });
}
