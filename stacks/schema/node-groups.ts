/** `eks-platform:cluster.nodeGroups.<name>`: EKS managed node groups and self-managed Auto Scaling groups. */
import { z } from "zod";
import { instanceArchitecture, knownInstanceType, KNOWN_INSTANCE_TYPE_NAMES, nitroBased, parseInstanceType, tooSmallForPrefixDelegation } from "../instance-types";
import { didYouMean } from "../suggest";
import { labelKey, labelValue, nodeLabels } from "./fields";

/** Instance types a SPOT node group needs to survive one spot pool being reclaimed. */
export const MIN_SPOT_INSTANCE_TYPES = 2;

export const taintSchema = z.strictObject({
    key: labelKey.describe("The taint's key, such as dedicated or example.com/gpu."),
    value: labelValue.optional().describe("The taint's value."),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
        error: 'expected "NoSchedule", "PreferNoSchedule" or "NoExecute"',
    }).describe("What happens to pods that do not tolerate it: not scheduled, scheduled last, or evicted."),
});

export const nodeGroupSchema = z.strictObject({
    kind: z.enum(["managed", "self-managed"], { error: 'expected "managed" or "self-managed"' }).default("managed").describe("`managed`: an EKS managed node group; `self-managed`: an Auto Scaling group the platform owns (not with Karpenter)."),
    os: z.enum(["al2023", "bottlerocket"], { error: 'expected "al2023" or "bottlerocket"' }).default("al2023").describe("The node OS: Amazon Linux 2023 (nodeadm), or Bottlerocket (TOML settings)."),
    architecture: z.enum(["x86_64", "arm64"], { error: 'expected "x86_64" or "arm64"' }).default("x86_64").describe("The CPU architecture; every instance type must be of it (arm64: AWS Graviton)."),
    instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
        error: "expected an EC2 instance type such as m6i.large",
    })).min(1, { error: "expected at least one EC2 instance type" }).describe("EC2 instance types that exist (the EC2 API's list, in @pulumi/aws's `InstanceType`; a typo gets a suggestion), of the group's architecture, Nitro-based, large or more (t family: small or more). Whether your region and zones offer a type only your account can tell."),
    capacityType: z.enum(["ON_DEMAND", "SPOT"], { error: 'expected "ON_DEMAND" or "SPOT"' }).default("ON_DEMAND").describe(`A \`SPOT\` group needs at least ${MIN_SPOT_INSTANCE_TYPES} instance types, so one spot pool running dry does not take every node.`),
    minSize: z.int({ error: "expected a whole number >= 0" }).min(0, { error: "expected a whole number >= 0" }).describe("The fewest nodes; at most desiredSize."),
    desiredSize: z.int({ error: "expected a whole number >= 0" }).min(0, { error: "expected a whole number >= 0" }).describe("Nodes at creation; at most maxSize. The autoscaler owns it afterwards."),
    maxSize: z.int({ error: "expected a whole number >= 1" }).min(1, { error: "expected a whole number >= 1" }).describe("The most nodes."),
    diskSizeGiB: z.int({ error: "expected a whole number of GiB from 20 to 16384" })
        .min(20, { error: "expected a whole number of GiB from 20 to 16384" })
        .max(16384, { error: "expected a whole number of GiB from 20 to 16384" }).default(50).describe("Size of the encrypted gp3 root volume."),
    labels: nodeLabels.default({}),
    taints: z.array(taintSchema).default([]).describe("Taints of the nodes: only pods that tolerate them run there."),
    imdsHopLimit: z.union([z.literal(1), z.literal(2)], { error: "expected 1 or 2" }).default(1).describe("IMDSv2 hop limit. 1 keeps pods (one hop further) away from the node's credentials; 2 only for node groups whose pods must read instance metadata."),
}).superRefine((group, ctx) => {
    if (group.minSize > group.desiredSize) {
        ctx.addIssue({
            code: "custom", path: ["minSize"], input: group.minSize,
            message: `expected minSize <= desiredSize (${group.desiredSize})`,
        });
    }
    if (group.desiredSize > group.maxSize) {
        ctx.addIssue({
            code: "custom", path: ["desiredSize"], input: group.desiredSize,
            message: `expected desiredSize <= maxSize (${group.maxSize})`,
        });
    }
    // EKS best practice for spot: several types, so one spot pool running dry does not take every node.
    if (group.capacityType === "SPOT" && new Set(group.instanceTypes).size < MIN_SPOT_INSTANCE_TYPES) {
        ctx.addIssue({
            code: "custom", path: ["instanceTypes"], input: group.instanceTypes,
            message: `expected at least ${MIN_SPOT_INSTANCE_TYPES} instance types for a SPOT group: a single spot pool is reclaimed all at once`,
        });
    }
    group.instanceTypes.forEach((type, i) => {
        if (!parseInstanceType(type)) {
            return;
        }
        if (!knownInstanceType(type)) {
            ctx.addIssue({
                code: "custom", path: ["instanceTypes", i], input: type,
                message: `expected an EC2 instance type that exists: ${type} is not one${didYouMean(type, KNOWN_INSTANCE_TYPE_NAMES)}`,
            });
            return;
        }
        const architecture = instanceArchitecture(type);
        if (architecture !== group.architecture) {
            ctx.addIssue({
                code: "custom", path: ["instanceTypes", i], input: type,
                message: `expected an ${group.architecture} instance type: ${type} is ${architecture}${architecture === "arm64" ? " (Graviton)" : ""}; set architecture: ${architecture} or pick another type`,
            });
        } else if (!nitroBased(type)) {
            ctx.addIssue({
                code: "custom", path: ["instanceTypes", i], input: type,
                message: "expected a Nitro-based instance type: pods get IP prefixes (VPC CNI prefix delegation), which Xen-based types cannot take",
            });
        } else if (tooSmallForPrefixDelegation(type)) {
            ctx.addIssue({
                code: "custom", path: ["instanceTypes", i], input: type,
                message: "expected a size of large or more (t family: small or more): every node takes 110 pods, for which this size has too few IP addresses",
            });
        }
    });
});

export type NodeGroupInput = z.output<typeof nodeGroupSchema>;
