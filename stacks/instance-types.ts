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

export type Architecture = "x86_64" | "arm64";

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
const XEN_FAMILIES = new Set(["c1", "c3", "c4", "d2", "f1", "g2", "g3", "g3s", "h1", "i2", "i3", "m1", "m2", "m3", "m4", "p2", "p3", "r3", "r4", "t1", "t2", "x1", "x1e"]);

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
