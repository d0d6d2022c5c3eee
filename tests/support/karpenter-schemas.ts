/**
 * JSON Schemas of Karpenter's NodePool (karpenter.sh/v1) and EC2NodeClass (karpenter.k8s.aws/v1),
 * transcribed from the CRDs of Karpenter at KARPENTER_VERSION (pkg/apis/crds/ of
 * aws/karpenter-provider-aws, the same files its karpenter and karpenter-crd charts install), for
 * the fields the platform sets: their types, enums, patterns and required fields, and the CEL
 * rules JSON Schema can express (`celProblems`). Unknown fields are rejected here, where the API
 * server would silently prune them. A spec fails when the chart moves on without them.
 */

export const KARPENTER_VERSION = "1.14.1";

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
    type: "object",
    properties,
    required,
    additionalProperties: false,
});
const stringMap = { type: "object", additionalProperties: { type: "string" } };
const labelKeyPattern =
    "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$";
const duration = { type: "string", pattern: "^(([0-9]+(s|m|h))+|Never)$" };
const taint = object(
    {
        key: { type: "string", minLength: 1, pattern: labelKeyPattern },
        value: { type: "string" },
        effect: { enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"] },
    },
    ["key", "effect"],
);

export const NODE_POOL_SCHEMA = object(
    {
        apiVersion: { const: "karpenter.sh/v1" },
        kind: { const: "NodePool" },
        metadata: { type: "object", required: ["name"] },
        spec: object(
            {
                weight: { type: "integer", minimum: 1, maximum: 100 },
                limits: { type: "object", additionalProperties: { anyOf: [{ type: "integer" }, { type: "string" }] } },
                disruption: object(
                    {
                        consolidationPolicy: { enum: ["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"] },
                        consolidateAfter: duration,
                        budgets: {
                            type: "array",
                            maxItems: 50,
                            items: object(
                                {
                                    nodes: { type: "string", pattern: "^((100|[0-9]{1,2})%|[0-9]+)$" },
                                    schedule: { type: "string" },
                                    duration: { type: "string", pattern: "^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$" },
                                    reasons: { type: "array", maxItems: 50, items: { enum: ["Underutilized", "Empty", "Drifted"] } },
                                },
                                ["nodes"],
                            ),
                        },
                    },
                    ["consolidateAfter"],
                ),
                template: object(
                    {
                        metadata: object({ labels: { ...stringMap, maxProperties: 100 }, annotations: stringMap }),
                        spec: object(
                            {
                                nodeClassRef: object(
                                    {
                                        group: { type: "string", minLength: 1, pattern: "^[^/]*$" },
                                        kind: { type: "string", minLength: 1 },
                                        name: { type: "string", minLength: 1 },
                                    },
                                    ["group", "kind", "name"],
                                ),
                                requirements: {
                                    type: "array",
                                    maxItems: 100,
                                    items: object(
                                        {
                                            key: { type: "string", maxLength: 316, pattern: labelKeyPattern },
                                            operator: { enum: ["Gte", "Lte", "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] },
                                            values: {
                                                type: "array",
                                                items: {
                                                    type: "string",
                                                    maxLength: 63,
                                                    pattern: "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$",
                                                },
                                            },
                                            minValues: { type: "integer", minimum: 1, maximum: 50 },
                                        },
                                        ["key", "operator"],
                                    ),
                                },
                                taints: { type: "array", items: taint },
                                startupTaints: { type: "array", items: taint },
                                expireAfter: duration,
                                terminationGracePeriod: { type: "string", pattern: "^([0-9]+(s|m|h))+$" },
                            },
                            ["nodeClassRef", "requirements"],
                        ),
                    },
                    ["spec"],
                ),
            },
            ["template"],
        ),
    },
    ["apiVersion", "kind", "metadata", "spec"],
);

const selectorTags = { ...stringMap, maxProperties: 20 };

export const EC2_NODE_CLASS_SCHEMA = object(
    {
        apiVersion: { const: "karpenter.k8s.aws/v1" },
        kind: { const: "EC2NodeClass" },
        metadata: { type: "object", required: ["name"] },
        spec: object(
            {
                role: { type: "string", minLength: 1 },
                instanceProfile: { type: "string", minLength: 1 },
                amiFamily: { enum: ["AL2", "AL2023", "Bottlerocket", "Custom", "Windows2019", "Windows2022", "Windows2025"] },
                amiSelectorTerms: {
                    type: "array",
                    minItems: 1,
                    maxItems: 30,
                    items: object({
                        alias: { type: "string", maxLength: 30, pattern: "^[a-zA-Z0-9]+@.+$" },
                        id: { type: "string", pattern: "ami-[0-9a-z]+" },
                        name: { type: "string" },
                        owner: { type: "string" },
                        ssmParameter: { type: "string" },
                        tags: selectorTags,
                    }),
                },
                subnetSelectorTerms: {
                    type: "array",
                    minItems: 1,
                    maxItems: 30,
                    items: object({ id: { type: "string", pattern: "subnet-[0-9a-z]+" }, tags: selectorTags }),
                },
                securityGroupSelectorTerms: {
                    type: "array",
                    minItems: 1,
                    maxItems: 30,
                    items: object({ id: { type: "string", pattern: "sg-[0-9a-z]+" }, name: { type: "string" }, tags: selectorTags }),
                },
                metadataOptions: object({
                    httpEndpoint: { enum: ["enabled", "disabled"] },
                    httpProtocolIPv6: { enum: ["enabled", "disabled"] },
                    httpPutResponseHopLimit: { type: "integer", minimum: 1, maximum: 64 },
                    httpTokens: { enum: ["required", "optional"] },
                }),
                blockDeviceMappings: {
                    type: "array",
                    maxItems: 50,
                    items: object({
                        deviceName: { type: "string" },
                        rootVolume: { type: "boolean" },
                        ebs: object({
                            deleteOnTermination: { type: "boolean" },
                            encrypted: { type: "boolean" },
                            iops: { type: "integer" },
                            kmsKeyID: { type: "string" },
                            snapshotID: { type: "string" },
                            throughput: { type: "integer" },
                            volumeSize: {
                                type: "string",
                                pattern:
                                    "^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$",
                            },
                            volumeType: { enum: ["standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"] },
                        }),
                    }),
                },
                kubelet: object({ maxPods: { type: "integer", minimum: 0 }, podsPerCore: { type: "integer", minimum: 0 } }),
                tags: stringMap,
            },
            ["amiSelectorTerms", "securityGroupSelectorTerms", "subnetSelectorTerms"],
        ),
    },
    ["apiVersion", "kind", "metadata", "spec"],
);

/** The CRDs' CEL rules for the fields the platform sets, which JSON Schema cannot state. */
export function celProblems(object: Record<string, any>): { path: string; message: string }[] {
    const problems: { path: string; message: string }[] = [];
    const spec = object.spec ?? {};
    if (object.kind === "NodePool") {
        for (const [i, r] of (spec.template?.spec?.requirements ?? []).entries()) {
            const at = `/spec/template/spec/requirements/${i}`;
            if (r.operator === "In" && (r.values ?? []).length === 0) {
                problems.push({ path: at, message: "requirements with operator 'In' must have a value defined" });
            }
            if (["Gt", "Lt", "Gte", "Lte"].includes(r.operator) && !((r.values ?? []).length === 1 && /^\d+$/.test(r.values[0]))) {
                problems.push({
                    path: at,
                    message: "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value",
                });
            }
            const domain = /^([^/]+)\//.exec(r.key)?.[1] ?? "";
            if (domain.endsWith("karpenter.sh") && r.key !== "karpenter.sh/capacity-type") {
                problems.push({ path: `${at}/key`, message: `label domain "karpenter.sh" is restricted` });
            }
            if (domain.endsWith("karpenter.k8s.aws") && !KARPENTER_AWS_KEYS.has(r.key)) {
                problems.push({ path: `${at}/key`, message: `label domain "karpenter.k8s.aws" is restricted` });
            }
        }
        (spec.disruption?.budgets ?? []).forEach((b: any, i: number) => {
            if ("schedule" in b !== "duration" in b) {
                problems.push({ path: `/spec/disruption/budgets/${i}`, message: "'schedule' must be set with 'duration'" });
            }
        });
    }
    if (object.kind === "EC2NodeClass") {
        if ("role" in spec === "instanceProfile" in spec) {
            problems.push({ path: "/spec", message: "must specify exactly one of ['role', 'instanceProfile']" });
        }
        const terms = spec.amiSelectorTerms ?? [];
        if (terms.some((t: any) => "alias" in t) && terms.length !== 1) {
            problems.push({
                path: "/spec/amiSelectorTerms",
                message: "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
            });
        }
        for (const [i, t] of terms.entries()) {
            if (
                "alias" in t &&
                !["al2", "al2023", "bottlerocket", "windows2019", "windows2022", "windows2025"].includes(String(t.alias).split("@")[0])
            ) {
                problems.push({ path: `/spec/amiSelectorTerms/${i}/alias`, message: "family is not supported" });
            }
        }
        for (const key of Object.keys(spec.tags ?? {})) {
            if (
                /^(eks:eks-cluster-name|kubernetes\.io\/cluster\/|karpenter\.sh\/nodepool|karpenter\.sh\/nodeclaim|karpenter\.k8s\.aws\/ec2nodeclass)/.test(
                    key,
                )
            ) {
                problems.push({ path: "/spec/tags", message: `tag contains a restricted tag matching ${key}` });
            }
        }
    }
    return problems;
}

/** The karpenter.k8s.aws labels a NodePool requirement may use (the NodePool CRD's key rule). */
const KARPENTER_AWS_KEYS = new Set(
    [
        "instance-tenancy",
        "capacity-reservation-type",
        "capacity-reservation-id",
        "capacity-reservation-interruptible",
        "ec2nodeclass",
        "instance-encryption-in-transit-supported",
        "instance-category",
        "instance-hypervisor",
        "instance-family",
        "instance-generation",
        "instance-local-nvme",
        "instance-size",
        "instance-cpu",
        "instance-cpu-manufacturer",
        "instance-cpu-sustained-clock-speed-mhz",
        "instance-memory",
        "instance-ebs-bandwidth",
        "instance-network-bandwidth",
        "instance-gpu-name",
        "instance-gpu-manufacturer",
        "instance-gpu-count",
        "instance-gpu-memory",
        "instance-accelerator-name",
        "instance-accelerator-manufacturer",
        "instance-accelerator-count",
        "instance-capability-flex",
        "placement-group-id",
        "placement-group-partition",
    ].map((k) => `karpenter.k8s.aws/${k}`),
);
