/**
 * `eks-platform:cluster.nodePools.<name>`: Karpenter NodePools (karpenter.sh/v1). Field shapes
 * follow the NodePool CRD of Karpenter 1.14.1 (charts/karpenter/crds/karpenter.sh_nodepools.yaml):
 * durations `^(([0-9]+(s|m|h))+|Never)$`, budget nodes `^((100|[0-9]{1,2})%|[0-9]+)$`, budget
 * durations `^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$`, a schedule only with a duration.
 */
import { z } from "zod";
import { cronProblem } from "../cron";
import { parseQuantity } from "../quantity";
import { quantity, nodeLabels } from "./fields";
import { taintSchema } from "./node-groups";
import { instanceTypesOfFamily, KNOWN_INSTANCE_FAMILY_NAMES, parseInstanceType } from "../instance-types";
import { admittedInstanceTypes, kubernetesArch, smallestVcpus } from "../node-pool-types";
import { didYouMean } from "../suggest";

const duration = z.string().regex(/^(([0-9]+(s|m|h))+|Never)$/, { error: 'expected a duration such as 30s, 5m, 720h or "Never"' }).meta({ title: "duration" });

/**
 * NodePool `spec.template.spec.terminationGracePeriod` (karpenter.sh_nodepools.yaml v1.14.1): a
 * duration without "Never" (pattern `^([0-9]+(s|m|h))+$`), no default. Unset, a drain blocked by a
 * PodDisruptionBudget or `karpenter.sh/do-not-disrupt` waits forever, so expiry and a destroy stall.
 */
const gracePeriod = z.string().regex(/^([0-9]+(s|m|h))+$/, { error: "expected a duration such as 30m or 48h (no \"Never\": a drain must end)" }).meta({ title: "duration" });

const budgetSchema = z.strictObject({
    nodes: z.string({ error: 'expected a quoted count or percentage such as "1" or "10%"' })
        .regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, { error: 'expected a count or a percentage such as "1" or "10%"' }).describe("Nodes that may be disrupted at once: a quoted count or percentage of the pool (`\"1\"`, `\"10%\"`)."),
    schedule: z.string({ error: 'expected a cron schedule such as "0 9 * * mon-fri"' }).superRefine((schedule, ctx) => {
        const problem = cronProblem(schedule);
        if (problem) {
            ctx.addIssue({ code: "custom", input: schedule, message: `expected a cron schedule Karpenter parses, such as "0 9 * * mon-fri" (UTC): ${problem}` });
        }
    }).optional().describe("When the budget starts applying, as Karpenter's parser (robfig/cron ParseStandard) takes it: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week 0-6 or sun-sat) or `@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly`; always UTC, no `TZ=`, no `@every`. Needs a duration."),
    duration: z.string().regex(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/, { error: "expected a duration in hours and minutes such as 8h or 1h30m" }).optional().describe("How long the budget applies from each scheduled start, in hours and minutes (`8h`, `1h30m`); needs a schedule."),
    reasons: z.array(z.enum(["Underutilized", "Empty", "Drifted"], { error: 'expected "Underutilized", "Empty" or "Drifted"' })).optional().describe("The disruption reasons it limits; all when absent."),
}).superRefine((budget, ctx) => {
    if ((budget.schedule === undefined) !== (budget.duration === undefined)) {
        ctx.addIssue({ code: "custom", path: [budget.schedule === undefined ? "schedule" : "duration"], input: undefined, message: "is required with the other: a budget's schedule and duration go together" });
    }
});

export const nodePoolSchema = z.strictObject({
    capacityTypes: z.array(z.enum(["on-demand", "spot"], { error: 'expected "on-demand" or "spot"' }))
        .min(1, { error: "expected at least one capacity type" }).default(["on-demand"]).describe("Capacity Karpenter may buy for the pool; a spot-only pool narrowed to a single instance type is refused (it is reclaimed all at once)."),
    architectures: z.array(z.enum(["amd64", "arm64"], { error: 'expected "amd64" or "arm64"' }))
        .min(1, { error: "expected at least one architecture" }).default(["amd64", "arm64"]).describe("Architectures (`kubernetes.io/arch`, Kubernetes' names: `amd64`, not `x86_64`); arm64 is AWS Graviton."),
    instanceCategories: z.array(z.string().regex(/^[a-z]+$/, { error: "expected an instance category such as c, m or r" })).default(["c", "m", "r"]).describe("Instance categories (karpenter.k8s.aws/instance-category): c, m, r, ..."),
    instanceFamilies: z.array(z.string().regex(/^[a-z]+\d+[a-z-]*$/, { error: "expected an instance family such as m7g or c7i" })).optional().describe("Instance families (`karpenter.k8s.aws/instance-family`), such as `[m7g, c7i]`: each must exist and fit the pool's architectures, instanceCategories and minGeneration. Default: any."),
    instanceSizes: z.array(z.string().regex(/^(\d*xlarge|large|medium|small|micro|nano|metal(-\d+xl)?)$/, { error: "expected an instance size such as large or 2xlarge" })).optional().describe("Instance sizes (`karpenter.k8s.aws/instance-size`), such as `[large, xlarge]`; without it nano to medium are left out (too few IPs for 110 pods). Default: large and up."),
    minGeneration: z.int({ error: "expected a whole number from 1 to 9" }).min(1, { error: "expected a whole number from 1 to 9" }).max(9, { error: "expected a whole number from 1 to 9" }).default(6).describe("The oldest instance generation allowed (5: m5, c5 and newer)."),
    limits: z.strictObject({
        cpu: quantity("cpu").describe("CPU cores of all the pool's nodes together; at least one node's worth (2), and at least the smallest instance type the pool admits: `500m` could launch nothing."),
        memory: quantity("memory").describe("Memory of all the pool's nodes together; at least one node's worth (2Gi): `16` is 16 bytes."),
    }).describe("The most the pool may run in total: a pool without limits can grow without bound."),
    consolidation: z.strictObject({
        policy: z.enum(["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"], { error: 'expected "WhenEmpty", "WhenEmptyOrUnderutilized" or "Balanced"' })
            .default("WhenEmptyOrUnderutilized").describe("WhenEmpty: only empty nodes go; WhenEmptyOrUnderutilized: nodes are also repacked; Balanced: repacked when worth the disruption."),
        after: duration.default("1m").describe("How long a node must qualify before it is consolidated."),
    }).prefault({}).describe("When Karpenter removes or replaces the pool's nodes to save cost."),
    budgets: z.array(budgetSchema).min(1, { error: "expected at least one budget" }).default([{ nodes: "10%" }]).describe("How many nodes may be disrupted at once, and when."),
    expireAfter: duration.default("720h").describe("Nodes older than this are replaced (new AMI, fresh kernel); \"Never\" keeps them."),
    terminationGracePeriod: gracePeriod.default("48h").describe("The longest a node's drain may take: after it, pods are deleted even when a PodDisruptionBudget or `karpenter.sh/do-not-disrupt` holds them, so expiry, consolidation and a destroy always finish."),
    weight: z.int({ error: "expected a whole number from 1 to 100" }).min(1, { error: "expected a whole number from 1 to 100" }).max(100, { error: "expected a whole number from 1 to 100" }).optional().describe("Pools with a higher weight are tried first (1 to 100)."),
    labels: nodeLabels.default({}),
    taints: z.array(taintSchema).default([]).describe("Taints of the pool's nodes: only pods that tolerate them run there."),
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
    requirementProblems(pool, cores, ctx);
    // Spot alone from a single instance type is reclaimed all at once when that pool runs dry.
    const spotOnly = pool.capacityTypes.every((c) => c === "spot");
    if (spotOnly && pool.instanceFamilies?.length === 1 && pool.instanceSizes?.length === 1) {
        ctx.addIssue({
            code: "custom", path: ["instanceSizes"], input: pool.instanceSizes,
            message: `expected several instance types for a spot-only pool: ${pool.instanceFamilies[0]}.${pool.instanceSizes[0]} alone is interrupted all at once when its spot capacity runs out; list more sizes or families, or allow on-demand`,
        });
    }
});

/** Requirements no instance type meets: Karpenter would launch nothing for the pool, silently. */
function requirementProblems(pool: NodePoolInput, cores: number | undefined, ctx: z.core.$RefinementCtx<NodePoolInput>): void {
    let precise = false;
    for (const [i, family] of (pool.instanceFamilies ?? []).entries()) {
        const sample = instanceTypesOfFamily(family)[0];
        const parts = sample && parseInstanceType(sample);
        const at = { code: "custom" as const, path: ["instanceFamilies", i], input: family };
        if (!parts) {
            ctx.addIssue({ ...at, message: `expected an instance family EC2 has: no instance type of ${family} exists${didYouMean(family, KNOWN_INSTANCE_FAMILY_NAMES)}` });
        } else if (!pool.architectures.includes(kubernetesArch(sample)!)) {
            ctx.addIssue({ ...at, message: `expected a family of the pool's architectures (${pool.architectures.join(", ")}): ${family} is ${kubernetesArch(sample)}` });
        } else if (!pool.instanceCategories.includes(parts.category)) {
            ctx.addIssue({ ...at, message: `expected a family in the pool's instanceCategories (${pool.instanceCategories.join(", ")}): ${family} is category ${parts.category}` });
        } else if (parts.generation < pool.minGeneration) {
            ctx.addIssue({ ...at, message: `expected a family of generation ${pool.minGeneration} or newer (minGeneration): ${family} is generation ${parts.generation}` });
        } else {
            continue;
        }
        precise = true;
    }
    if (precise) {
        return;
    }
    const admitted = admittedInstanceTypes(pool);
    if (admitted.length === 0) {
        ctx.addIssue({
            code: "custom", path: [pool.instanceSizes ? "instanceSizes" : "instanceCategories"], input: pool.instanceSizes ?? pool.instanceCategories,
            message: `expected requirements some instance type meets: no Nitro EC2 instance type is ${pool.architectures.join(" or ")}, of category ${pool.instanceCategories.join(", ")}, generation ${pool.minGeneration} or newer${pool.instanceFamilies ? `, family ${pool.instanceFamilies.join(", ")}` : ""}${pool.instanceSizes ? `, size ${pool.instanceSizes.join(", ")}` : " and large or bigger"}`,
        });
        return;
    }
    const smallest = smallestVcpus(admitted);
    // Below one node's worth the limit is refused above already.
    if (cores !== undefined && cores >= MIN_NODE_CORES && smallest !== undefined && smallest > cores) {
        ctx.addIssue({
            code: "custom", path: ["limits", "cpu"], input: pool.limits.cpu,
            message: `expected a limit of at least ${smallest} cores, the smallest instance type the pool admits: below it Karpenter can launch no node`,
        });
    }
}

const MIN_NODE_CORES = 2;
const MIN_NODE_MEMORY_BYTES = 2 * 2 ** 30;

export type NodePoolInput = z.output<typeof nodePoolSchema>;
