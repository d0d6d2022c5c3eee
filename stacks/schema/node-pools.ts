/**
 * `eks-platform:cluster.nodePools.<name>`: Karpenter NodePools (karpenter.sh/v1). Field shapes
 * follow the NodePool CRD of Karpenter 1.14.1 (charts/karpenter/crds/karpenter.sh_nodepools.yaml):
 * durations `^(([0-9]+(s|m|h))+|Never)$`, budget nodes `^((100|[0-9]{1,2})%|[0-9]+)$`, budget
 * durations `^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$`, a schedule only with a duration.
 */
import { z } from "zod";
import { parseQuantity } from "../quantity";
import { quantity, labelKey, labelValue } from "./fields";
import { taintSchema } from "./node-groups";

const duration = z.string().regex(/^(([0-9]+(s|m|h))+|Never)$/, { error: 'expected a duration such as 30s, 5m, 720h or "Never"' });

const budgetSchema = z.strictObject({
    /** Nodes that may be disrupted at once: a count or a percentage of the pool. */
    nodes: z.string({ error: 'expected a quoted count or percentage such as "1" or "10%"' })
        .regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, { error: 'expected a count or a percentage such as "1" or "10%"' }),
    /** Cron schedule (UTC) when the budget applies; needs a duration. */
    schedule: z.string().regex(/^(@(yearly|annually|monthly|weekly|daily|midnight|hourly))|(\S+( \S+){4})$/, { error: 'expected a cron schedule such as "0 9 * * mon-fri"' }).optional(),
    duration: z.string().regex(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/, { error: "expected a duration in hours and minutes such as 8h or 1h30m" }).optional(),
    /** The disruption reasons it limits; all when absent. */
    reasons: z.array(z.enum(["Underutilized", "Empty", "Drifted"], { error: 'expected "Underutilized", "Empty" or "Drifted"' })).optional(),
}).superRefine((budget, ctx) => {
    if ((budget.schedule === undefined) !== (budget.duration === undefined)) {
        ctx.addIssue({ code: "custom", path: [budget.schedule === undefined ? "schedule" : "duration"], input: undefined, message: "is required with the other: a budget's schedule and duration go together" });
    }
});

export const nodePoolSchema = z.strictObject({
    /** Capacity Karpenter may buy for the pool. */
    capacityTypes: z.array(z.enum(["on-demand", "spot"], { error: 'expected "on-demand" or "spot"' }))
        .min(1, { error: "expected at least one capacity type" }).default(["on-demand"]),
    /** Architectures (kubernetes.io/arch): arm64 is AWS Graviton. */
    architectures: z.array(z.enum(["amd64", "arm64"], { error: 'expected "amd64" or "arm64"' }))
        .min(1, { error: "expected at least one architecture" }).default(["amd64", "arm64"]),
    /** Instance categories (karpenter.k8s.aws/instance-category): c, m, r, ... */
    instanceCategories: z.array(z.string().regex(/^[a-z]+$/, { error: "expected an instance category such as c, m or r" })).default(["c", "m", "r"]),
    /** Instance families (karpenter.k8s.aws/instance-family), e.g. m7g; any when absent. */
    instanceFamilies: z.array(z.string().regex(/^[a-z]+\d+[a-z-]*$/, { error: "expected an instance family such as m7g or c7i" })).optional(),
    /** Instance sizes (karpenter.k8s.aws/instance-size), e.g. large, xlarge; any large enough when absent. */
    instanceSizes: z.array(z.string().regex(/^(\d*xlarge|large|medium|small|micro|nano|metal(-\d+xl)?)$/, { error: "expected an instance size such as large or 2xlarge" })).optional(),
    /** The oldest instance generation allowed (5: m5, c5 and newer). */
    minGeneration: z.int({ error: "expected a whole number from 1 to 9" }).min(1, { error: "expected a whole number from 1 to 9" }).max(9, { error: "expected a whole number from 1 to 9" }).default(6),
    /** The most the pool may run in total: a pool without limits can grow without bound. */
    limits: z.strictObject({ cpu: quantity("cpu"), memory: quantity("memory") }),
    consolidation: z.strictObject({
        /** WhenEmpty: only empty nodes go; WhenEmptyOrUnderutilized: nodes are also repacked; Balanced: repacked when worth the disruption. */
        policy: z.enum(["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"], { error: 'expected "WhenEmpty", "WhenEmptyOrUnderutilized" or "Balanced"' })
            .default("WhenEmptyOrUnderutilized"),
        /** How long a node must qualify before it is consolidated. */
        after: duration.default("1m"),
    }).prefault({}),
    /** How many nodes may be disrupted at once, and when. */
    budgets: z.array(budgetSchema).min(1, { error: "expected at least one budget" }).default([{ nodes: "10%" }]),
    /** Nodes older than this are replaced (new AMI, fresh kernel); "Never" keeps them. */
    expireAfter: duration.default("720h"),
    /** Pools with a higher weight are tried first (1 to 100). */
    weight: z.int({ error: "expected a whole number from 1 to 100" }).min(1, { error: "expected a whole number from 1 to 100" }).max(100, { error: "expected a whole number from 1 to 100" }).optional(),
    labels: z.record(labelKey, labelValue).default({}),
    taints: z.array(taintSchema).default([]),
}).superRefine((pool, ctx) => {
    // Below one node's worth the pool can launch nothing: the smallest type the platform accepts
    // (t3.small, t4g.small) has 2 vCPUs and 2 GiB.
    const cores = parseQuantity(pool.limits.cpu, "cpu");
    if (cores !== undefined && cores < MIN_NODE_CORES) {
        ctx.addIssue({ code: "custom", path: ["limits", "cpu"], input: pool.limits.cpu, message: `expected at least ${MIN_NODE_CORES} cores, one node's worth: the limit is in cores, not millicores${/^\d+$/.test(pool.limits.cpu) ? "" : ` (${pool.limits.cpu} is ${cores} cores)`}` });
    }
    const bytes = parseQuantity(pool.limits.memory, "memory");
    if (bytes !== undefined && bytes < MIN_NODE_MEMORY_BYTES) {
        ctx.addIssue({ code: "custom", path: ["limits", "memory"], input: pool.limits.memory, message: `expected at least 2Gi, one node's worth: ${pool.limits.memory} is ${bytes} bytes${/^\d+$/.test(pool.limits.memory) ? ` (did you mean ${pool.limits.memory}Gi?)` : ""}` });
    }
    // Spot alone from a single instance type is reclaimed all at once when that pool runs dry.
    const spotOnly = pool.capacityTypes.every((c) => c === "spot");
    if (spotOnly && pool.instanceFamilies?.length === 1 && pool.instanceSizes?.length === 1) {
        ctx.addIssue({
            code: "custom", path: ["instanceSizes"], input: pool.instanceSizes,
            message: `expected several instance types for a spot-only pool: ${pool.instanceFamilies[0]}.${pool.instanceSizes[0]} alone is interrupted all at once when its spot capacity runs out; list more sizes or families, or allow on-demand`,
        });
    }
});

const MIN_NODE_CORES = 2;
const MIN_NODE_MEMORY_BYTES = 2 * 2 ** 30;

export type NodePoolInput = z.output<typeof nodePoolSchema>;
