/** Rules for the AWS side: EKS, nodes, the VPC, the ALB, SNS. */
import { daysOfStandardSupportLeft, KUBERNETES_MINORS, UPGRADE_WARNING_DAYS } from "../stacks/kubernetes-versions";
import { today as clockToday } from "../stacks/clock";
import { MODERN_TLS_POLICIES } from "../stacks/schema/load-balancer";
import { PolicyResource, profileOf, ResourceRule, stageOf } from "./rule";

const REQUIRED_LOGS = ["api", "audit", "authenticator"];

/** The EKS settings a rule checks, from our eks.Cluster component or a bare aws.eks.Cluster. */
function eksSettings(r: PolicyResource) {
    if (r.type === "eks:index:Cluster") {
        return {
            publicAccess: r.inputs.endpointPublicAccess !== false,
            publicAccessCidrs: r.inputs.publicAccessCidrs as string[] | undefined,
            encrypted: typeof r.inputs.encryptionConfigKeyArn === "string" && r.inputs.encryptionConfigKeyArn !== "",
            logTypes: (r.inputs.enabledClusterLogTypes ?? []) as string[],
            authenticationMode: r.inputs.authenticationMode as string | undefined,
            version: r.inputs.version as string | undefined,
            supportType: r.inputs.upgradePolicy?.supportType as string | undefined,
        };
    }
    if (r.type === "aws:eks/cluster:Cluster") {
        const vpc = r.inputs.vpcConfig ?? {};
        const encryption = r.inputs.encryptionConfig;
        return {
            publicAccess: vpc.endpointPublicAccess !== false,
            publicAccessCidrs: vpc.publicAccessCidrs as string[] | undefined,
            encrypted: !!encryption?.provider?.keyArn && (encryption.resources ?? []).includes("secrets"),
            logTypes: (r.inputs.enabledClusterLogTypes ?? []) as string[],
            authenticationMode: r.inputs.accessConfig?.authenticationMode as string | undefined,
            version: r.inputs.version as string | undefined,
            supportType: r.inputs.upgradePolicy?.supportType as string | undefined,
        };
    }
    return undefined;
}

/**
 * Warns when the cluster's minor has fewer than UPGRADE_WARNING_DAYS of EKS standard support
 * left (stacks/kubernetes-versions.ts): time to rehearse the upgrade in dev. `today` is a
 * parameter so the rule is tested on fixed dates.
 */
export function supportWindowRule(today: () => Date = clockToday): ResourceRule {
    return {
        ...eksRule(
            "eks-standard-support-window",
            `The cluster's Kubernetes minor has at least ${UPGRADE_WARNING_DAYS} days of EKS standard support left.`,
            (s) => {
                const minor = s.version !== undefined ? KUBERNETES_MINORS[s.version] : undefined;
                if (!minor) {
                    return [];
                }
                const left = daysOfStandardSupportLeft(minor, today());
                return left < UPGRADE_WARNING_DAYS
                    ? [
                          `Kubernetes ${s.version} has ${Math.max(left, 0)} days of standard support left (it ends on ${minor.endOfStandardSupport}): upgrade, dev first`,
                      ]
                    : [];
            },
        ),
        advisory: true,
    };
}

function eksRule(name: string, description: string, check: (s: NonNullable<ReturnType<typeof eksSettings>>) => string[]): ResourceRule {
    return {
        name,
        description,
        check: (r) => {
            const s = eksSettings(r);
            return s ? check(s) : [];
        },
    };
}

export const AWS_RULES: ResourceRule[] = [
    eksRule("eks-endpoint-not-public", "The EKS API endpoint is private, or public only to named CIDRs (never 0.0.0.0/0).", (s) => {
        if (!s.publicAccess) {
            return [];
        }
        if (!s.publicAccessCidrs || s.publicAccessCidrs.length === 0) {
            return ["the public API endpoint is open to everyone: set publicAccessCidrs or turn public access off"];
        }
        return s.publicAccessCidrs.filter((c) => c.endsWith("/0")).map((c) => `the public API endpoint is open to ${c}`);
    }),
    eksRule("eks-secrets-encryption", "Kubernetes secrets are envelope-encrypted with a KMS key.", (s) =>
        s.encrypted ? [] : ["secrets are not encrypted with a KMS key (encryptionConfigKeyArn)"],
    ),
    eksRule("eks-control-plane-logs", "The api, audit and authenticator control-plane logs go to CloudWatch.", (s) => {
        const missing = REQUIRED_LOGS.filter((t) => !s.logTypes.includes(t));
        return missing.length > 0 ? [`control-plane logs missing: ${missing.join(", ")}`] : [];
    }),
    eksRule(
        "eks-access-entries",
        "Cluster access goes through EKS access entries (authentication mode API), not the aws-auth ConfigMap.",
        (s) =>
            s.authenticationMode === "API" ? [] : [`authentication mode is ${s.authenticationMode ?? "unset (CONFIG_MAP)"}, expected API`],
    ),
    eksRule(
        "eks-upgrade-policy",
        "The cluster states its upgrade policy: unset, EKS bills extended support once the minor leaves standard support.",
        (s) =>
            s.supportType === "STANDARD" || s.supportType === "EXTENDED"
                ? []
                : [
                      "upgradePolicy.supportType is unset: EKS defaults to EXTENDED and bills extended support (about six times the cluster-hour price) once the minor leaves standard support",
                  ],
    ),
    supportWindowRule(),
    {
        name: "eks-private-nodes",
        description: "Nodes run in private subnets with no public IP.",
        check: (r) => {
            if (r.type === "eks:index:Cluster") {
                const problems: string[] = [];
                if (r.inputs.nodeAssociatePublicIpAddress !== false) {
                    problems.push("nodeAssociatePublicIpAddress is not false");
                }
                if (r.inputs.publicSubnetIds || r.inputs.subnetIds) {
                    problems.push("the cluster is given public (or mixed) subnets: give it privateSubnetIds only");
                }
                return problems;
            }
            if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
                const interfaces = (r.inputs.networkInterfaces ?? []) as { associatePublicIpAddress?: string }[];
                return interfaces.some((n) => String(n.associatePublicIpAddress) === "true")
                    ? ["the launch template gives nodes a public IP"]
                    : [];
            }
            return [];
        },
    },
    {
        name: "imdsv2-required",
        description: "Every launch template requires IMDSv2 tokens, with a hop limit of at most 2.",
        check: (r) => {
            if (r.type !== "aws:ec2/launchTemplate:LaunchTemplate") {
                return [];
            }
            const options = r.inputs.metadataOptions ?? {};
            const problems: string[] = [];
            if (options.httpTokens !== "required") {
                problems.push(`metadataOptions.httpTokens is ${options.httpTokens ?? "unset"}, expected required (IMDSv2)`);
            }
            if (!(options.httpPutResponseHopLimit >= 1 && options.httpPutResponseHopLimit <= 2)) {
                problems.push(`metadataOptions.httpPutResponseHopLimit is ${options.httpPutResponseHopLimit ?? "unset"}, expected 1 or 2`);
            }
            return problems;
        },
    },
    {
        name: "vpc-availability-zones",
        description: "The VPC spans at least 2 availability zones, 3 in prd.",
        check: (r) => {
            if (r.type !== "awsx:ec2:Vpc") {
                return [];
            }
            const zones = ((r.inputs.availabilityZoneNames ?? []) as string[]).length || r.inputs.numberOfAvailabilityZones || 0;
            const minimum = profileOf(r)?.minAvailabilityZones ?? 2;
            return zones < minimum
                ? [`${zones} availability zones, expected at least ${minimum}${minimum > 2 ? ` in ${stageOf(r)}` : ""}`]
                : [];
        },
    },
    {
        name: "alb-https",
        description: "ALB listeners serve HTTPS with a TLS 1.3 policy; HTTP only redirects to HTTPS (dev may serve HTTP).",
        check: (r) => {
            if (r.type !== "aws:lb/listener:Listener") {
                return [];
            }
            if (r.inputs.protocol === "HTTPS") {
                const problems: string[] = [];
                if (!(MODERN_TLS_POLICIES as readonly string[]).includes(r.inputs.sslPolicy)) {
                    problems.push(`TLS policy ${r.inputs.sslPolicy ?? "(default)"} is not a TLS 1.3 policy`);
                }
                if (!r.inputs.certificateArn) {
                    problems.push("the HTTPS listener has no certificate");
                }
                return problems;
            }
            const actions = (r.inputs.defaultActions ?? []) as { type: string; redirect?: { protocol?: string } }[];
            const redirects = actions.length > 0 && actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS");
            return redirects || profileOf(r)?.httpOnlyAllowed
                ? []
                : [`a ${r.inputs.protocol} listener serves traffic instead of redirecting to HTTPS`];
        },
    },
    {
        name: "alb-prd-logs-and-protection",
        description: "In prd the ALB writes access logs and has deletion protection.",
        check: (r) => {
            if (r.type !== "aws:lb/loadBalancer:LoadBalancer" || !profileOf(r)?.loadBalancerSafeguards) {
                return [];
            }
            const problems: string[] = [];
            if (r.inputs.enableDeletionProtection !== true) {
                problems.push("deletion protection is off");
            }
            if (r.inputs.accessLogs?.enabled !== true) {
                problems.push("access logs are off");
            }
            return problems;
        },
    },
    {
        name: "sns-encrypted",
        description: "SNS topics are encrypted with KMS.",
        check: (r) => (r.type === "aws:sns/topic:Topic" && !r.inputs.kmsMasterKeyId ? ["the topic is not encrypted (kmsMasterKeyId)"] : []),
    },
];
