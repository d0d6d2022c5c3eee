/**
 * What a stack needs of its AWS account, computed from its config and its offline render: the
 * instance types per zone, the vCPUs per purchase option, Elastic IPs, and the names it will
 * create. Pure: the checks compare these with what AWS answers.
 */
import type { RenderedResource } from "../offline/program-run";
import { instanceVcpus } from "../stacks/instance-types";
import { admittedInstanceTypes } from "../stacks/node-pool-types";
import type { NodePoolConfig, PlatformConfig } from "../stacks/platform-config";
import { parseQuantity } from "../stacks/quantity";

/** A node group, named by its slot's cluster, with what it may run at most. */
export interface GroupNeed {
    readonly label: string;
    readonly instanceTypes: readonly string[];
    readonly spot: boolean;
    /** maxSize times the largest type's vCPUs. */
    readonly maxVcpus: number;
}

/** A Karpenter NodePool, named by its slot's cluster. */
export interface PoolNeed {
    readonly label: string;
    readonly admittedTypes: readonly string[];
    readonly onDemand: boolean;
    readonly spot: boolean;
    /** Its CPU limit, in vCPUs. */
    readonly cpuLimit: number;
}

export function groupNeeds(config: PlatformConfig): GroupNeed[] {
    return config.slots.flatMap(({ cluster }) =>
        Object.entries(cluster.nodeGroups).map(([name, group]) => ({
            label: `${cluster.name}/${name}`,
            instanceTypes: group.instanceTypes,
            spot: group.capacityType === "SPOT",
            maxVcpus: group.maxSize * Math.max(...group.instanceTypes.map((type) => instanceVcpus(type) ?? 0)),
        })),
    );
}

export function poolNeeds(config: PlatformConfig): PoolNeed[] {
    return config.slots.flatMap(({ cluster }) =>
        cluster.autoscaler !== "karpenter"
            ? []
            : Object.entries(cluster.nodePools).map(([name, pool]: [string, NodePoolConfig]) => ({
                  label: `${cluster.name}/${name}`,
                  admittedTypes: admittedInstanceTypes(pool),
                  onDemand: pool.capacityTypes.includes("on-demand"),
                  spot: pool.capacityTypes.includes("spot"),
                  cpuLimit: parseQuantity(pool.limits.cpu, "cpu") ?? 0,
              })),
    );
}

/**
 * The vCPUs the stack may run per purchase option: every node group at its max size and every
 * NodePool at its CPU limit, both slots at once. A pool that buys both counts in both, since
 * Karpenter may fill its limit with either.
 */
export function vcpuNeeds(config: PlatformConfig): { onDemand: number; spot: number } {
    const groups = groupNeeds(config);
    const pools = poolNeeds(config);
    const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);
    return {
        onDemand: sum(groups.filter((g) => !g.spot).map((g) => g.maxVcpus)) + sum(pools.filter((p) => p.onDemand).map((p) => p.cpuLimit)),
        spot: sum(groups.filter((g) => g.spot).map((g) => g.maxVcpus)) + sum(pools.filter((p) => p.spot).map((p) => p.cpuLimit)),
    };
}

/** One NAT gateway per zone, or one: each takes an Elastic IP. */
export function elasticIpNeed(config: PlatformConfig): number {
    return config.network.natGateways === "onePerAz" ? config.network.availabilityZones.length : 1;
}

export function usesSpot(config: PlatformConfig): boolean {
    return groupNeeds(config).some((g) => g.spot) || poolNeeds(config).some((p) => p.spot);
}

/** A name the stack will give something that must not exist yet, unless it is the stack's own. */
export interface NamedResource {
    readonly kind: "cluster" | "iam-role" | "iam-policy" | "log-group";
    readonly name: string;
    /** The tags the stack gives it: an existing one carrying its Stack and Project tags is the stack's own. */
    readonly tags: Record<string, string>;
}

const NAMED_TYPES: Readonly<Record<string, NamedResource["kind"]>> = {
    "eks:index:Cluster": "cluster",
    "aws:iam/role:Role": "iam-role",
    "aws:iam/policy:Policy": "iam-policy",
    "aws:cloudwatch/logGroup:LogGroup": "log-group",
};

/** The fixed names the render gives clusters, IAM roles and policies and log groups (autonamed ones cannot collide). */
export function namedResources(resources: readonly RenderedResource[]): NamedResource[] {
    return resources.flatMap((r) => {
        const kind = NAMED_TYPES[r.type];
        const name = r.inputs.name;
        return kind && typeof name === "string" ? [{ kind, name, tags: (r.inputs.tags ?? {}) as Record<string, string> }] : [];
    });
}

/** Whether an existing resource's tags make it the stack's own. */
export function ownedBy(existing: Record<string, string> | undefined, wanted: Record<string, string>): boolean {
    return ["Project", "Stack"].every((key) => wanted[key] !== undefined && existing?.[key] === wanted[key]);
}

/** Whether a certificate name (`www.example.com` or `*.example.com`) covers a host, as TLS matches them. */
export function certificateCovers(certificateName: string, host: string): boolean {
    if (certificateName === host) {
        return true;
    }
    if (!certificateName.startsWith("*.")) {
        return false;
    }
    const [first, ...rest] = host.split(".");
    return first !== "*" && rest.join(".") === certificateName.slice(2);
}

/** The parts of an ARN: `arn:partition:service:region:account:resource`. */
export function arnParts(arn: string): { service: string; region: string; account: string; resource: string } | undefined {
    const parts = arn.split(":");
    return parts.length >= 6 && parts[0] === "arn"
        ? { service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") }
        : undefined;
}

/** A role ARN's name (the last path segment of `role/path/name`). */
export function roleName(arn: string): string {
    return arn.split("/").pop()!;
}
