import { z } from "zod";
import { isPrivateRange, parseCidr } from "../cidr";
import { KUBERNETES_MINORS, RETIRED_MINORS, SUPPORTED_KUBERNETES_VERSIONS } from "../kubernetes-versions";
import { cidrBlock, dnsLabel, iamRoleArn } from "./fields";
import { nodeGroupSchema } from "./node-groups";
import { nodePoolSchema } from "./node-pools";
import { LOG_RETENTION_DAYS } from "./stage";

/** The control-plane logs every cluster ships to CloudWatch, whatever the stack adds. */
export const REQUIRED_CLUSTER_LOG_TYPES = ["api", "audit", "authenticator"] as const;
const CLUSTER_LOG_TYPES = [...REQUIRED_CLUSTER_LOG_TYPES, "controllerManager", "scheduler"] as const;

const SUPPORTED = `${SUPPORTED_KUBERNETES_VERSIONS[0]} to ${SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1]}`;

const kubernetesVersion = z.string({
    error: 'expected a quoted string "1.NN" (unquoted, YAML reads 1.30 as the number 1.3)',
}).regex(/^1\.\d{1,2}$/, { error: 'expected a Kubernetes minor version "1.NN", such as "1.35"', abort: true })
    .superRefine((version, ctx) => {
        if (version in KUBERNETES_MINORS) {
            return;
        }
        const retired = RETIRED_MINORS[version];
        const newest = SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1];
        const older = Number(version.split(".")[1]) < Number(SUPPORTED_KUBERNETES_VERSIONS[0].split(".")[1]);
        ctx.addIssue({
            code: "custom", input: version,
            message: retired
                ? `expected a supported Kubernetes minor (${SUPPORTED}): ${version} left EKS standard support on ${retired.endOfStandardSupport} and leaves extended support on ${retired.endOfExtendedSupport}; upgrade one minor at a time`
                : older
                    ? `expected a supported Kubernetes minor (${SUPPORTED}): ${version} is past EKS support; upgrade one minor at a time`
                    : `expected a supported Kubernetes minor (${SUPPORTED}): ${version} is newer than ${newest}; add its row to stacks/kubernetes-versions.ts first`,
        });
    });

/** EKS CreateCluster's name: "^[0-9A-Za-z][A-Za-z0-9\\-_]*", 1 to 100 characters (EKS API reference). */
export const EKS_CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** `eks-platform:cluster`: the EKS cluster and its node groups. */
export const clusterSchema = z.strictObject({
    name: z.string().regex(EKS_CLUSTER_NAME, {
        error: "expected an EKS cluster name: letters, digits, '-' and '_', at most 100 characters",
    }).optional().describe("The EKS cluster's name, so two stacks never share one; required when the stack's name makes no valid EKS name (also in subnet and ASG discovery tags). `<name>-<group>-` of each managed node group must fit in 37 characters (EKS allows 63, the provider appends 26). Default: `eks-platform-<stack>`."),
    kubernetesVersion: kubernetesVersion.describe(`The Kubernetes minor, quoted (\`"1.35"\`): one of ${SUPPORTED_KUBERNETES_VERSIONS[0]}–${SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1]} (\`stacks/kubernetes-versions.ts\`); past its standard support only with upgradePolicy EXTENDED, never past extended support.`),
    upgradePolicy: z.enum(["STANDARD", "EXTENDED"], { error: 'expected "STANDARD" or "EXTENDED"' }).default("STANDARD").describe("What EKS does when the minor leaves standard support: `STANDARD` upgrades the cluster, `EXTENDED` keeps it at about six times the cluster-hour price (EKS's own default)."),
    serviceCidr: cidrBlock
        .refine((v) => { const r = parseCidr(v); return !r || isPrivateRange(r); }, {
            error: "expected a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
        })
        .refine((v) => { const p = parseCidr(v)?.prefix ?? 16; return p >= 12 && p <= 24; }, {
            error: "expected a prefix from /12 to /24",
        }).describe("Service IPs: /12 to /24, inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, not overlapping the VPC."),
    endpoint: z.strictObject({
        publicAccess: z.boolean({ error: "expected true or false" }).describe("Whether the API server is reachable from the internet at all. The private endpoint is always on."),
        publicAccessCidrs: z.array(cidrBlock).default([]).describe("Who may reach the public endpoint: required when publicAccess is true, refused when false, never 0.0.0.0/0 in prd."),
    }).describe("The API server's endpoints."),
    adminRoleArns: z.array(iamRoleArn).default([]).describe("Cluster admins: access entries with `AmazonEKSClusterAdminPolicy`; each once, never ci.deployRoleArn (EKS already made it admin)."),
    logTypes: z.array(z.enum(CLUSTER_LOG_TYPES, {
        error: `expected one of ${CLUSTER_LOG_TYPES.join(", ")}`,
    })).default([...REQUIRED_CLUSTER_LOG_TYPES]).describe("Control-plane logs to CloudWatch: must include api, audit and authenticator; may add controllerManager and scheduler."),
    logRetentionDays: z.number({ error: `expected one of the retentions CloudWatch accepts: ${LOG_RETENTION_DAYS.join(", ")}` })
        .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
            error: `expected one of the retentions CloudWatch accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
        }).optional().describe(`How long \`/aws/eks/<cluster>/cluster\` keeps the control-plane logs, in days: one of ${LOG_RETENTION_DAYS.join(", ")} (the values CloudWatch accepts). Default: dev 7, stg 30, prd 365.`),
    fargateOnly: z.boolean({ error: "expected true or false" }).default(false).describe("Run every pod on Fargate (kube-system and app namespaces): no node groups, no autoscaler, no node termination handler; at most 46 apps (10 profiles of 5 namespace selectors, 4 taken by the platform)."),
    autoscaler: z.enum(["karpenter", "cluster-autoscaler"], { error: 'expected "karpenter" or "cluster-autoscaler"' }).optional().describe("Who adds and removes nodes: Karpenter (from the NodePools), or cluster-autoscaler (through the node groups' Auto Scaling groups). Refused on a Fargate-only cluster. Default: `karpenter` (none when Fargate-only)."),
    nodeGroups: z.record(dnsLabel("a node group name"), nodeGroupSchema).default({}).describe("Node groups by name. With Karpenter: managed groups only, the controllers' nodes, with at least as many nodes at minSize as Karpenter has replicas (its chart keeps each on a node of its own). Otherwise: all capacity. Required unless Fargate-only."),
    nodePools: z.record(dnsLabel("a NodePool name"), nodePoolSchema).default({}).describe("Karpenter NodePools (`karpenter.sh/v1`) by name: the capacity it provisions for everything else. Required with Karpenter, refused without."),
}).superRefine((cluster, ctx) => {
    const groups = Object.keys(cluster.nodeGroups).length;
    const autoscaler = resolveAutoscaler(cluster);
    if (cluster.fargateOnly && cluster.autoscaler !== undefined) {
        ctx.addIssue({ code: "custom", path: ["autoscaler"], input: cluster.autoscaler, message: "expected no autoscaler when fargateOnly is true: Fargate sizes every pod itself" });
    }
    if (autoscaler === "karpenter" && Object.keys(cluster.nodePools).length === 0) {
        ctx.addIssue({ code: "custom", path: ["nodePools"], input: {}, message: "expected at least one NodePool with Karpenter: it provisions nodes only for pools" });
    }
    if (autoscaler !== "karpenter" && Object.keys(cluster.nodePools).length > 0) {
        ctx.addIssue({
            code: "custom", path: ["nodePools"], input: Object.keys(cluster.nodePools),
            message: `expected no NodePools without Karpenter (autoscaler: ${autoscaler ?? "none, Fargate-only"})`,
        });
    }
    if (autoscaler === "karpenter") {
        for (const [name, group] of Object.entries(cluster.nodeGroups).filter(([, g]) => g.kind === "self-managed")) {
            ctx.addIssue({
                code: "custom", path: ["nodeGroups", name, "kind"], input: group.kind,
                message: "expected managed node groups only with Karpenter: its NodePools provide the spot and burst capacity a self-managed group gave",
            });
        }
    }
    if (cluster.fargateOnly && groups > 0) {
        ctx.addIssue({
            code: "custom", path: ["nodeGroups"], input: Object.keys(cluster.nodeGroups),
            message: "expected no node groups when fargateOnly is true",
        });
    }
    if (!cluster.fargateOnly && groups === 0) {
        ctx.addIssue({
            code: "custom", path: ["nodeGroups"], input: {},
            message: "expected at least one node group (or fargateOnly: true)",
        });
    }
    if (cluster.endpoint.publicAccess && cluster.endpoint.publicAccessCidrs.length === 0) {
        ctx.addIssue({
            code: "custom", path: ["endpoint", "publicAccessCidrs"], input: [],
            message: "expected at least one CIDR allowed to reach the public endpoint (or publicAccess: false)",
        });
    }
    if (!cluster.endpoint.publicAccess && cluster.endpoint.publicAccessCidrs.length > 0) {
        ctx.addIssue({
            code: "custom", path: ["endpoint", "publicAccessCidrs"], input: cluster.endpoint.publicAccessCidrs,
            message: "expected no CIDRs when publicAccess is false (the endpoint is private only)",
        });
    }
    const missingLogs = REQUIRED_CLUSTER_LOG_TYPES.filter((t) => !cluster.logTypes.includes(t));
    if (missingLogs.length > 0) {
        ctx.addIssue({
            code: "custom", path: ["logTypes"], input: cluster.logTypes,
            message: `expected the list to include ${REQUIRED_CLUSTER_LOG_TYPES.join(", ")}`,
        });
    }
});

/** The autoscaler a cluster runs: Karpenter unless the stack chose cluster-autoscaler; none on Fargate only. */
export function resolveAutoscaler(cluster: { fargateOnly: boolean; autoscaler?: "karpenter" | "cluster-autoscaler" }): "karpenter" | "cluster-autoscaler" | undefined {
    return cluster.fargateOnly ? undefined : cluster.autoscaler ?? "karpenter";
}
