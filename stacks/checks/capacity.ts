/**
 * Requests that no node of the cluster could hold. The scheduler would leave such a pod Pending
 * forever (and Karpenter would find no instance to launch for it), so the config is refused.
 */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { instanceMemoryBytes, instanceVcpus, KUBE_RESERVED_MEMORY_BYTES, kubeReservedCores, parseInstanceType } from "../instance-types";
import { parseQuantity } from "../quantity";
import { nodeGroupSchema } from "../schema/node-groups";
import { defaultReplicas, PROJECT, Stage } from "../schema/stage";

/** The largest Fargate pod: 16 vCPU and 120 GB (EKS user guide, fargate-pod-configuration). */
export const FARGATE_MAX_CORES = 16;
export const FARGATE_MAX_MEMORY_BYTES = 120 * 2 ** 30;

/** The most a pod can request on the cluster's largest node, and which node that is. */
export interface NodeRoom {
    readonly cores: number;
    /** Undefined when some node's memory is not known from its name (not a c, m or r type). */
    readonly memoryBytes?: number;
    readonly node: string;
}

const GIB = 2 ** 30;
const allocatableCores = (cores: number) => cores - kubeReservedCores(cores);
const allocatableMemory = (bytes: number) => bytes - KUBE_RESERVED_MEMORY_BYTES;

const clusterShape = z.looseObject({
    fargateOnly: z.boolean().optional(),
    nodeGroups: z.record(z.string(), z.looseObject({ instanceTypes: z.array(z.string()) })).optional(),
    nodePools: z
        .record(
            z.string(),
            z.looseObject({
                instanceSizes: z.array(z.string()).optional(),
                instanceCategories: z.array(z.string()).optional(),
                limits: z.looseObject({ cpu: z.string(), memory: z.string() }),
            }),
        )
        .optional(),
});

/** The room of the cluster's largest node; undefined when the config does not tell it. */
export function largestNodeRoom(clusterInput: unknown): NodeRoom | undefined {
    const cluster = validOrUndefined(clusterShape, clusterInput);
    if (!cluster) {
        return undefined;
    }
    if (cluster.fargateOnly) {
        return { cores: FARGATE_MAX_CORES, memoryBytes: FARGATE_MAX_MEMORY_BYTES, node: "a Fargate pod (16 vCPU, 120 GB at most)" };
    }
    const rooms: NodeRoom[] = [];
    for (const [group, { instanceTypes }] of Object.entries(cluster.nodeGroups ?? {})) {
        for (const type of instanceTypes.filter((t) => parseInstanceType(t))) {
            const vcpus = instanceVcpus(type);
            if (vcpus === undefined) {
                return undefined;
            }
            const memory = instanceMemoryBytes(type);
            rooms.push({
                cores: allocatableCores(vcpus),
                memoryBytes: memory && allocatableMemory(memory),
                node: `${type} of node group ${group}`,
            });
        }
    }
    for (const [pool, settings] of Object.entries(cluster.nodePools ?? {})) {
        const limitCores = parseQuantity(settings.limits.cpu, "cpu");
        const limitMemory = parseQuantity(settings.limits.memory, "memory");
        if (limitCores === undefined || limitMemory === undefined) {
            return undefined;
        }
        // A node never exceeds its pool's limits; listed sizes bound it further (a size's vCPUs
        // depend on the category only for the small sizes of the burstable t family).
        const categories = settings.instanceCategories ?? ["c", "m", "r"];
        const sizeCores = settings.instanceSizes?.flatMap((size) => categories.map((category) => instanceVcpus(`${category}7.${size}`)));
        const cores = sizeCores && !sizeCores.includes(undefined) ? Math.min(limitCores, Math.max(...(sizeCores as number[]))) : limitCores;
        rooms.push({
            cores: allocatableCores(cores),
            memoryBytes: allocatableMemory(limitMemory),
            node: `a node of pool ${pool} (limits ${settings.limits.cpu} CPU, ${settings.limits.memory})`,
        });
    }
    if (rooms.length === 0) {
        return undefined;
    }
    const largest = rooms.reduce((a, b) => (b.cores > a.cores ? b : a));
    const memories = rooms.map((r) => r.memoryBytes);
    return { ...largest, memoryBytes: memories.includes(undefined) ? undefined : Math.max(...(memories as number[])) };
}

/** Each app's and addon's requests against the largest node. */
export function capacityProblems(clusterInput: unknown, appsInput: unknown, addonsInput: unknown): ConfigProblem[] {
    const room = largestNodeRoom(clusterInput);
    if (!room) {
        return [];
    }
    const requests = z.looseObject({ requests: z.looseObject({ cpu: z.string(), memory: z.string() }) });
    const containers: [string, unknown][] = [
        ...Object.entries(validOrUndefined(z.record(z.string(), z.looseObject({})), appsInput ?? {}) ?? {}).map(
            ([app, settings]): [string, unknown] => [`apps.${app}.resources`, settings.resources],
        ),
        ...Object.entries(validOrUndefined(z.record(z.string(), z.looseObject({})), addonsInput ?? {}) ?? {}).flatMap(
            ([addon, settings]): [string, unknown][] => [
                [`addons.${addon}.resources`, settings.resources],
                [`addons.${addon}.clusterAgentResources`, settings.clusterAgentResources],
            ],
        ),
    ];
    const problems: ConfigProblem[] = [];
    for (const [path, input] of containers) {
        const resources = validOrUndefined(requests, input);
        if (!resources) {
            continue;
        }
        const cores = parseQuantity(resources.requests.cpu, "cpu");
        if (cores !== undefined && cores > room.cores) {
            problems.push({
                key: `${PROJECT}:${path}.requests.cpu`,
                value: resources.requests.cpu,
                expected: `expected a request that fits the largest node, ${room.node}, which leaves pods ${round(room.cores)} cores: the pod would stay Pending`,
            });
        }
        const bytes = parseQuantity(resources.requests.memory, "memory");
        if (bytes !== undefined && room.memoryBytes !== undefined && bytes > room.memoryBytes) {
            problems.push({
                key: `${PROJECT}:${path}.requests.memory`,
                value: resources.requests.memory,
                expected: `expected a request that fits the largest node, ${room.node}, which leaves pods ${round(room.memoryBytes / GIB)}Gi: the pod would stay Pending`,
            });
        }
    }
    return problems;
}

const round = (n: number) => Math.floor(n * 100) / 100;

/**
 * Karpenter's replicas each need a node of their own among the node groups: its chart (1.14.1
 * values.yaml) requires `podAntiAffinity` on kubernetes.io/hostname and keeps it off the nodes it
 * manages (`karpenter.sh/nodepool DoesNotExist`). With fewer nodes a replica stays Pending, and a
 * node drain leaves none running.
 */
export function controllerPlacementProblems(stage: Stage | undefined, clusterInput: unknown, addonsInput: unknown): ConfigProblem[] {
    const cluster = validOrUndefined(
        z.looseObject({
            autoscaler: z.string().optional(),
            fargateOnly: z.boolean().optional(),
            nodeGroups: z.record(z.string(), nodeGroupSchema).optional(),
        }),
        clusterInput ?? {},
    );
    if (!cluster || cluster.fargateOnly || (cluster.autoscaler ?? "karpenter") !== "karpenter" || !stage) {
        return [];
    }
    const configured = validOrUndefined(
        z.looseObject({ karpenter: z.looseObject({ replicas: z.number().optional() }).optional() }),
        addonsInput ?? {},
    );
    const replicas = configured?.karpenter?.replicas ?? defaultReplicas(stage);
    const groups = cluster.nodeGroups ?? {};
    const nodes = Object.values(groups).reduce((sum, group) => sum + group.minSize, 0);
    if (Object.keys(groups).length === 0 || nodes >= replicas) {
        return [];
    }
    return [
        {
            key: `${PROJECT}:cluster.nodeGroups`,
            value: Object.fromEntries(Object.entries(groups).map(([name, group]) => [name, { minSize: group.minSize }])),
            expected: `expected at least ${replicas} nodes at minSize across the node groups: Karpenter runs ${replicas} replicas in ${stage} (addons.karpenter.replicas), each on a node of its own outside Karpenter's pools (its chart's required podAntiAffinity)`,
        },
    ];
}
