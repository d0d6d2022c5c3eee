/**
 * What an EC2 instance type name says about the instance, for config validation.
 *
 * Architecture: a family is arm64 (AWS Graviton) when the letters after its generation digit
 * contain "g" (m7g, c7gn, r8gd, im4gn, is4gen, x2gd, g5g, hpc7g), or it is a1; every other family
 * is x86_64 (the GPU families g4dn, g5, g6 start with "g" but are x86_64). Checked against the 177
 * families of Karpenter v1.14's generated instance-type list (aws/karpenter-provider-aws
 * website/content/en/v1.14/reference/instance-types.md, 41 of them arm64); the authoritative
 * answer is EC2 DescribeInstanceTypes ProcessorInfo.SupportedArchitectures.
 */

import { InstanceType } from "@pulumi/aws/types/enums/ec2";

export type Architecture = "x86_64" | "arm64";

/**
 * Every EC2 instance type the EC2 API knows: the InstanceType enum @pulumi/aws 7.48.0 generates
 * from the provider's EC2 model (types/enums/ec2, 1,405 names). Which of them a region or zone
 * offers only the account can say (`aws ec2 describe-instance-type-offerings`).
 */
const KNOWN_INSTANCE_TYPES: ReadonlySet<string> = new Set(Object.values(InstanceType));

export const KNOWN_INSTANCE_TYPE_NAMES: readonly string[] = [...KNOWN_INSTANCE_TYPES];

export function knownInstanceType(instanceType: string): boolean {
    return KNOWN_INSTANCE_TYPES.has(instanceType);
}

/** The instance families the EC2 API knows (m7g, c7gn, ...), from KNOWN_INSTANCE_TYPES. */
export const KNOWN_INSTANCE_FAMILY_NAMES: readonly string[] = [...new Set(KNOWN_INSTANCE_TYPE_NAMES.map((type) => type.split(".")[0]))];

/** The instance types of a family the EC2 API knows. */
export function instanceTypesOfFamily(family: string): string[] {
    return [...KNOWN_INSTANCE_TYPES].filter((type) => type.split(".")[0] === family);
}

const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z]*)(-[a-z0-9]+)?\.([a-z0-9]+)$/;

export interface InstanceTypeParts {
    readonly family: string;
    /** The letters before the generation: the category (m, c, r, t, ...). */
    readonly category: string;
    readonly generation: number;
    /** The letters after the generation (g: Graviton, d: local NVMe, n: network, a: AMD, i: Intel). */
    readonly attributes: string;
    readonly size: string;
}

/** The parts of `m7g.large`-style names; undefined for anything else. */
export function parseInstanceType(instanceType: string): InstanceTypeParts | undefined {
    const match = INSTANCE_TYPE.exec(instanceType);
    if (!match) {
        return undefined;
    }
    const [, category, generation, attributes, suffix = "", size] = match;
    return { family: `${category}${generation}${attributes}${suffix}`, category, generation: Number(generation), attributes, size };
}

export function instanceArchitecture(instanceType: string): Architecture | undefined {
    const parts = parseInstanceType(instanceType);
    if (!parts) {
        return undefined;
    }
    return parts.family === "a1" || parts.attributes.includes("g") ? "arm64" : "x86_64";
}

/**
 * Pods per node with VPC CNI prefix delegation: every node gets /28 prefixes, so the limit is
 * the kubelet's, capped by EKS at 110 for instances of up to 30 vCPUs (250 above). 110 is used
 * for every node: safe on all sizes the platform accepts, and Kubernetes' own recommended limit.
 * (max-pods-calculator.sh of awslabs/amazon-eks-ami: ENIs x ((IPs per ENI - 1) x 16) + 2, capped.)
 */
export const MAX_PODS = 110;

/**
 * Families on the Xen hypervisor, not the Nitro System: prefix delegation needs Nitro ("To assign
 * IP prefixes to your nodes, your nodes must be AWS Nitro-based", EKS user guide,
 * cni-increase-ip-addresses). The list of previous-generation Xen families, from the EC2 guide's
 * "Instances built on the AWS Nitro System" (p3dn is Nitro; its p3 siblings are not).
 */
const XEN_FAMILIES = new Set([
    "c1",
    "c3",
    "c4",
    "d2",
    "f1",
    "g2",
    "g3",
    "g3s",
    "h1",
    "i2",
    "i3",
    "m1",
    "m2",
    "m3",
    "m4",
    "p2",
    "p3",
    "r3",
    "r4",
    "t1",
    "t2",
    "x1",
    "x1e",
]);

export function nitroBased(instanceType: string): boolean {
    const parts = parseInstanceType(instanceType);
    return parts !== undefined && !XEN_FAMILIES.has(parts.family);
}

/**
 * Sizes with too few IP addresses for MAX_PODS even with prefix delegation: nano and micro (2
 * ENIs of 2 addresses: 2 x ((2 - 1) x 16) + 2 = 34 pods), and small and medium outside the
 * burstable t family (m7g.medium: 2 x ((4 - 1) x 16) + 2 = 98); t3.small (146) and t3/t4g.medium
 * (242) are enough.
 */
export function tooSmallForPrefixDelegation(instanceType: string): boolean {
    const parts = parseInstanceType(instanceType);
    if (!parts) {
        return false;
    }
    return ["nano", "micro"].includes(parts.size) || (["small", "medium"].includes(parts.size) && parts.category !== "t");
}

/**
 * The vCPUs of an instance size: large 2, xlarge 4, Nxlarge 4N; medium and smaller 2 in the
 * burstable t family, else 1. Undefined for metal sizes, whose count depends on the family.
 */
export function instanceVcpus(instanceType: string): number | undefined {
    const parts = parseInstanceType(instanceType);
    if (!parts) {
        return undefined;
    }
    const size = /^(\d*)xlarge$/.exec(parts.size);
    if (size) {
        return 4 * Number(size[1] || 1);
    }
    if (parts.size === "large") {
        return 2;
    }
    return ["nano", "micro", "small", "medium"].includes(parts.size) ? (parts.category === "t" ? 2 : 1) : undefined;
}

/** GiB of memory per vCPU of the general-purpose categories: c 2, m 4, r 8 (EC2 instance types). */
const GIB_PER_VCPU: Record<string, number> = { c: 2, m: 4, r: 8 };

/** An instance size's memory in bytes, for the c, m and r categories; undefined for others. */
export function instanceMemoryBytes(instanceType: string): number | undefined {
    const parts = parseInstanceType(instanceType);
    const vcpus = instanceVcpus(instanceType);
    const perVcpu = parts && GIB_PER_VCPU[parts.category];
    return vcpus !== undefined && perVcpu !== undefined ? vcpus * perVcpu * 2 ** 30 : undefined;
}

/**
 * CPU the kubelet keeps for itself (kubeReserved) on a node of `cores` vCPUs: 6% of the first
 * core, 1% of the second, 0.5% of the third and fourth, 0.25% of the rest (nodeadm,
 * awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go getCPUMillicoresToReserve).
 */
export function kubeReservedCores(cores: number): number {
    const ranges: [number, number, number][] = [
        [0, 1, 0.06],
        [1, 2, 0.01],
        [2, 4, 0.005],
        [4, Infinity, 0.0025],
    ];
    return ranges.reduce((sum, [from, to, share]) => sum + Math.max(0, Math.min(cores, to) - from) * share, 0);
}

/**
 * Memory the kubelet keeps with MAX_PODS pods: 11 MiB per pod + 255 MiB (nodeadm
 * getMemoryMebibytesToReserve), plus the 100 MiB hard eviction threshold (kubelet default).
 */
export const KUBE_RESERVED_MEMORY_BYTES = (11 * MAX_PODS + 255 + 100) * 2 ** 20;
