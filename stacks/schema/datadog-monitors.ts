/**
 * `eks-platform:monitoring.datadog`: the thresholds and windows of the Datadog monitors. Every
 * field is optional; what a stack file leaves out comes from the stage's defaults, so prd pages
 * earlier than dev.
 */
import { z } from "zod";
import { Stage } from "./stage";

const positive = (what: string) => z.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });

/** A share between 0 and 1; a number from 1 to 100 is a percentage written for it. */
export const fraction = (what: string) => z.number({ error: `expected ${what}, a fraction between 0 and 1` }).superRefine((v, ctx) => {
    if (v > 1 && v <= 100) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what}, a fraction between 0 and 1: ${v} looks like a percentage (for ${v}% write ${v / 100})` });
    } else if (!(v > 0 && v < 1)) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what}, a fraction between 0 and 1` });
    }
}).meta({ exclusiveMinimum: 0 });

/**
 * A percentage (of a limit, of allocatable, of a disk): usage never passes 100, so above it a
 * monitor never fires; at 1 or below, a fraction was written for it.
 */
const percent = (what: string) => z.number({ error: `expected ${what}, in percent` }).superRefine((v, ctx) => {
    if (v > 0 && v <= 1) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what} in percent (1 to 100): ${v} looks like a fraction (for ${v * 100}% write ${v * 100})` });
    } else if (v > 100) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what} in percent, at most 100: usage never passes its limit, so the monitor would never fire` });
    } else if (!(v > 0)) {
        ctx.addIssue({ code: "custom", input: v, message: `expected ${what} in percent, above 0` });
    }
}).meta({ exclusiveMinimum: 0 });

/** Evaluation window of a monitor, `last_<n>m` (Datadog takes 1 to 10080 minutes; a day is plenty). */
const windowMinutes = z.int({ error: "expected whole minutes from 1 to 1440" })
    .min(1, { error: "expected whole minutes from 1 to 1440" }).max(1440, { error: "expected whole minutes from 1 to 1440" });

type Field = (what: string) => z.ZodType<number>;
const UNITS = "in the monitor's unit: a count, a fraction for deploymentAvailability, a percentage (at most 100) for cpuOfLimit, memoryOfLimit, schedulableNodes, nodeDisk, clusterCpuRequests and clusterMemoryRequests";
const monitor = (what: string, field: Field = positive) => z.strictObject({
    critical: field(what).optional().describe(`Where it alerts, ${UNITS}. Default: per monitor and stage (docs/runbooks.md).`),
    warning: field(what).optional().describe("Where it warns first: below critical, above it for deploymentAvailability and schedulableNodes (which alert as they fall). Default: per monitor and stage."),
    windowMinutes: windowMinutes.optional().describe("The evaluation window, 1 to 1440 minutes. Default: per monitor and stage."),
}).prefault({}).describe("One Kubernetes monitor's thresholds (docs/runbooks.md has each monitor's section).");

/** Each monitor's settings; `rises` tells which way its value goes when things get worse. */
export const MONITOR_SETTINGS = {
    crashLoopBackOff: monitor("a number of containers"),
    imagePullBackOff: monitor("a number of containers"),
    oomKilled: monitor("a number of containers"),
    terminatedAbnormally: monitor("a number of containers"),
    containerRestarts: monitor("a number of restarts in the window"),
    failedPods: monitor("a number of pods failed in the window"),
    /** Available/desired replicas of a deployment; alerts at or below. */
    deploymentAvailability: monitor("the available/desired ratio", fraction),
    statefulSetReplicas: monitor("a number of missing replicas"),
    cpuOfLimit: monitor("a share of the CPU limit", percent),
    memoryOfLimit: monitor("a share of the memory limit", percent),
    nodeNotReady: monitor("a number of nodes"),
    /** Schedulable nodes as a share of all nodes; alerts at or below. */
    schedulableNodes: monitor("a share of the nodes", percent),
    nodeDisk: monitor("a share of the node's disk", percent),
    clusterCpuRequests: monitor("a share of the allocatable CPU", percent),
    clusterMemoryRequests: monitor("a share of the allocatable memory", percent),
} as const;
export type MonitorName = keyof typeof MONITOR_SETTINGS;

/** Monitors that alert when their value falls to the threshold (the warning sits above it). */
export const FALLING_MONITORS: ReadonlySet<MonitorName> = new Set(["deploymentAvailability", "schedulableNodes"]);

export const datadogMonitorsSchema = z.strictObject({
    ...MONITOR_SETTINGS,
    kubeStateMetricsNoDataMinutes: z.int({ error: "expected whole minutes from 5 to 60" })
        .min(5, { error: "expected whole minutes from 5 to 60" }).max(60, { error: "expected whole minutes from 5 to 60" }).optional().describe("Minutes without kube-state-metrics data before its monitor alerts. Default: `10`."),
}).prefault({});

export interface MonitorThresholds {
    readonly critical: number;
    readonly warning?: number;
    readonly windowMinutes: number;
}
export type DatadogThresholds = { readonly [K in MonitorName]: MonitorThresholds } & { readonly kubeStateMetricsNoDataMinutes: number };

/** Defaults of every stage; STAGE_DEFAULTS below says where a stage differs. */
const BASE: DatadogThresholds = {
    crashLoopBackOff: { critical: 1, windowMinutes: 1 },
    imagePullBackOff: { critical: 1, windowMinutes: 10 },
    oomKilled: { critical: 1, windowMinutes: 10 },
    terminatedAbnormally: { critical: 1, windowMinutes: 10 },
    containerRestarts: { critical: 3, warning: 2, windowMinutes: 5 },
    failedPods: { critical: 10, warning: 5, windowMinutes: 5 },
    deploymentAvailability: { critical: 0.5, warning: 0.75, windowMinutes: 5 },
    statefulSetReplicas: { critical: 2, warning: 1, windowMinutes: 15 },
    cpuOfLimit: { critical: 80, warning: 70, windowMinutes: 5 },
    memoryOfLimit: { critical: 80, warning: 70, windowMinutes: 5 },
    nodeNotReady: { critical: 1, windowMinutes: 10 },
    schedulableNodes: { critical: 80, warning: 90, windowMinutes: 15 },
    nodeDisk: { critical: 90, warning: 80, windowMinutes: 10 },
    clusterCpuRequests: { critical: 95, warning: 90, windowMinutes: 30 },
    clusterMemoryRequests: { critical: 95, warning: 90, windowMinutes: 30 },
    kubeStateMetricsNoDataMinutes: 10,
};

/**
 * Where a stage departs from BASE: prd hears of a NotReady node after 5 minutes and of a cluster
 * whose requests fill 90% of its nodes (Karpenter packs nodes tightly, so lower would be noise);
 * dev, where pods fail while people experiment, tolerates more failed pods and waits longer.
 */
const STAGE_DEFAULTS: Record<Stage, Partial<Record<MonitorName, Partial<MonitorThresholds>>>> = {
    dev: { failedPods: { critical: 20, warning: 10 }, nodeNotReady: { windowMinutes: 15 } },
    stg: {},
    prd: {
        failedPods: { critical: 5, warning: 3 },
        nodeNotReady: { windowMinutes: 5 },
        clusterCpuRequests: { critical: 90, warning: 80 },
        clusterMemoryRequests: { critical: 90, warning: 80 },
    },
};

/** The stage's defaults under what the stack file sets, field by field. */
export function resolveDatadogThresholds(input: z.output<typeof datadogMonitorsSchema>, stage: Stage): DatadogThresholds {
    const resolved = Object.fromEntries((Object.keys(MONITOR_SETTINGS) as MonitorName[]).map((name) => {
        const set = Object.fromEntries(Object.entries(input[name]).filter(([, v]) => v !== undefined));
        return [name, { ...BASE[name], ...STAGE_DEFAULTS[stage][name], ...set }];
    }));
    return { ...resolved, kubeStateMetricsNoDataMinutes: input.kubeStateMetricsNoDataMinutes ?? BASE.kubeStateMetricsNoDataMinutes } as DatadogThresholds;
}
