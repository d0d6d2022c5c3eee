/** Field schemas shared by the config sections. Every constraint carries the sentence a user sees when it fails. */
import { z } from "zod";
import { parseCidr } from "../cidr";
import { QUANTITY_EXPECTATION, QuantityKind, parseQuantity } from "../quantity";

export const dnsLabel = (what: string) =>
    z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
        error: `expected ${what}: lowercase letters, digits and '-', at most 63 characters, starting and ending alphanumeric`,
    }).meta({ title: "DNS label" });

export const cidrBlock = z.string().refine((v) => parseCidr(v) !== undefined, {
    error: "expected an IPv4 network in CIDR notation with no host bits set, such as 10.0.0.0/16",
    // Range rules chained after this one would only repeat the problem.
    abort: true,
}).meta({ title: "CIDR" });

/**
 * A Kubernetes quantity, as Kubernetes takes it: a string (`250m`, `1Gi`) or a YAML number
 * (`cpu: 1`, `cpu: 0.5`), which becomes its decimal string.
 */
export const quantity = (kind: QuantityKind) =>
    z.union([z.string(), z.number().finite().nonnegative().transform((n) => String(n))], { error: `expected ${QUANTITY_EXPECTATION[kind]}` })
        .refine((v) => parseQuantity(v, kind) !== undefined, { error: `expected ${QUANTITY_EXPECTATION[kind]}`, abort: true })
        .meta({ title: "quantity" });

/** The least memory a container can start with; below it, the number is bytes meant as MiB. */
export const MIN_CONTAINER_MEMORY = 4 * 2 ** 20;
/** More than this is beyond any single EC2 instance a pod could run on (the largest hold 192 vCPUs). */
export const MAX_CONTAINER_CPU = 192;

/**
 * A container's CPU or memory, also checked for a unit a person gets wrong: "256" of memory is
 * 256 bytes, "500" of CPU is 500 cores.
 */
export const containerQuantity = (kind: QuantityKind) => quantity(kind).superRefine((value, ctx) => {
    const amount = parseQuantity(value, kind)!;
    if (kind === "memory" && amount < MIN_CONTAINER_MEMORY) {
        ctx.addIssue({ code: "custom", input: value, message: `expected at least 4Mi: ${value} is ${amount} bytes (did you mean ${value}Mi?)` });
    }
    if (kind === "cpu" && amount > MAX_CONTAINER_CPU) {
        ctx.addIssue({ code: "custom", input: value, message: `expected at most ${MAX_CONTAINER_CPU} cores, more than any node has: ${value} is ${amount} cores (did you mean ${value}m?)` });
    }
});

export const resourceList = z.strictObject({
    cpu: containerQuantity("cpu").describe("CPU: `250m`, `0.5`, `1` (cores); more than 192 is cores meant for millicores."),
    memory: containerQuantity("memory").describe("Memory: `512Mi`, `1Gi`; without a unit it is bytes, so less than 4Mi is refused as bytes meant for MiB."),
});

/**
 * Requests and limits of one container; a request above its limit is refused (the API server
 * would). Limits are required so the CPU and memory monitors can compare usage with them.
 */
export const containerResources = z.strictObject({
    requests: resourceList.describe("What the scheduler reserves for the container."),
    limits: resourceList.describe("The most the container may use; the CPU and memory monitors compare usage with it."),
}).meta({ title: "`{requests, limits}` of `{cpu, memory}`" }).superRefine((resources, ctx) => {
    for (const kind of ["cpu", "memory"] as const) {
        const request = parseQuantity(resources.requests[kind], kind);
        const limit = parseQuantity(resources.limits[kind], kind);
        if (request !== undefined && limit !== undefined && request > limit) {
            ctx.addIssue({
                code: "custom", path: ["requests", kind], input: resources.requests[kind],
                message: `expected a ${kind} request <= its limit (${resources.limits[kind]})`,
            });
        }
    }
});

export const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, {
    error: "expected an IAM role ARN such as arn:aws:iam::111122223333:role/platform-admin",
}).meta({ title: "IAM role ARN" });

/** The role name of an IAM role ARN (`arn:aws:iam::1:role/path/name` -> `name`): unique in its account. */
export function roleName(roleArn: string): string {
    return roleArn.slice(roleArn.lastIndexOf("/") + 1);
}

export const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, {
    error: "expected a Kubernetes label key such as role or example.com/role",
});

/**
 * Label domains a node's own labels may not use, each for the reason its owner gives:
 * kubernetes.io and k8s.io (and their subdomains): the kubelet refuses unknown ones in
 * --node-labels ("unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels",
 * kubernetes cmd/kubelet/app/options), EKS's node group API rejects them with eks.amazonaws.com
 * (aws/containers-roadmap#1451), and Karpenter drops them from its kubelet labels
 * (karpenter-provider-aws resolver.go RejectForbiddenLabels); karpenter.sh and karpenter.k8s.aws:
 * Karpenter's own (RestrictedLabelDomains); eks-platform: the program's own node-group label.
 */
export const RESERVED_LABEL_DOMAINS = ["kubernetes.io", "k8s.io", "eks.amazonaws.com", "karpenter.sh", "karpenter.k8s.aws", "eks-platform"] as const;

/** The reserved domain a label key is in (its prefix or a subdomain of it), if any. */
export function reservedLabelDomain(key: string): string | undefined {
    const slash = key.indexOf("/");
    const prefix = slash < 0 ? "" : key.slice(0, slash);
    return RESERVED_LABEL_DOMAINS.find((domain) => prefix === domain || prefix.endsWith(`.${domain}`));
}

export const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, {
    error: "expected a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.'",
}).meta({ title: "label value" });

/** Labels set on nodes by config (node groups, NodePools): none in a reserved domain. */
export const nodeLabels = z.record(labelKey.refine((key) => reservedLabelDomain(key) === undefined, {
    error: `expected a label of your own domain (such as role or example.com/role): ${RESERVED_LABEL_DOMAINS.join(", ")} and their subdomains are set by Kubernetes, EKS, Karpenter or the platform, which refuse or drop them`,
}), labelValue).describe(`Labels of the nodes. None in ${RESERVED_LABEL_DOMAINS.map((d) => `\`${d}\``).join(", ")} or their subdomains: the kubelet refuses them, EKS rejects them, or Karpenter or the platform owns them.`);

export type ContainerResources = z.output<typeof containerResources>;
