/**
 * EC2: the zones exist, every node group's instance types and some of each NodePool's are offered
 * in every zone, the vCPU quotas cover the most the stack may run, there are Elastic IPs for its
 * NAT gateways, the Spot service-linked role, and the AMI release Karpenter's nodes pin.
 */
import { DescribeAddressesCommand, DescribeAvailabilityZonesCommand, paginateDescribeInstanceTypeOfferings } from "@aws-sdk/client-ec2";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { GetRoleCommand } from "@aws-sdk/client-iam";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from "@aws-sdk/client-service-quotas";
import { parseInstanceType } from "../stacks/instance-types";
import { KUBERNETES_MINORS } from "../stacks/kubernetes-versions";
import type { PreflightContext } from "./context";
import { elasticIpNeed, groupNeeds, ownedBy, poolNeeds, usesSpot, vcpuNeeds } from "./needs";
import { CheckResult, fail, guarded, IAM_MISSING, pass, unlessMissing, warn } from "./result";

const AREA = "ec2";

/**
 * Service Quotas codes (service code `ec2`), from the Service Quotas console and the EC2 User
 * Guide's "Amazon EC2 service quotas": vCPUs of running On-Demand Standard (A, C, D, H, I, M, R,
 * T, Z) instances; of All Standard Spot Instance Requests; and EC2-VPC Elastic IPs per region.
 * Every family the platform offers (c, m, r, t and their Graviton kinds) is Standard.
 */
export const QUOTA_CODES = { onDemandStandardVcpus: "L-1216C47A", spotStandardVcpus: "L-34B43A08", elasticIps: "L-0263D0A3" } as const;

/** The EC2 Spot service-linked role a first spot launch creates if it is missing. */
export const SPOT_SERVICE_LINKED_ROLE = "AWSServiceRoleForEC2Spot";

/**
 * The public SSM parameter Karpenter reads to resolve `al2023@<release>` for an architecture
 * (aws/karpenter-provider-aws v1.14.1 pkg/providers/amifamily/al2023.go resolvePath; the AMI
 * names follow awslabs/amazon-eks-ami's CHANGELOG): a release without a build of the cluster's
 * minor resolves nothing, and Karpenter launches no node.
 */
export function al2023AmiParameter(architecture: "x86_64" | "arm64", kubernetesVersion: string, release: string): string {
    const name = `amazon-eks-node-al2023-${architecture}-standard-${kubernetesVersion}-${release}`;
    return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${architecture}/standard/${name}/image_id`;
}

async function zonesExist(context: PreflightContext): Promise<CheckResult[]> {
    const zones = context.config.network.availabilityZones;
    const check = `zones ${zones.join(", ")}`;
    return guarded(AREA, check, "ec2:DescribeAvailabilityZones", async () => {
        // Every zone of the region, then membership: a name EC2 does not know fails the whole call otherwise.
        const answer = await context.clients.ec2.send(new DescribeAvailabilityZonesCommand({}));
        const state = new Map((answer.AvailabilityZones ?? []).map((z) => [z.ZoneName!, z.State]));
        const missing = zones.filter((zone) => !state.has(zone));
        const unavailable = zones
            .filter((zone) => state.has(zone) && state.get(zone) !== "available")
            .map((zone) => `${zone} (${state.get(zone)})`);
        if (missing.length > 0) {
            return fail(
                AREA,
                check,
                `${missing.join(", ")} not in ${context.config.region}, which has ${[...state.keys()].join(", ")}`,
                "set network.availabilityZones to zones of the stack's region",
            );
        }
        return unavailable.length === 0
            ? pass(AREA, check, `all available in ${context.config.region}`)
            : fail(
                  AREA,
                  check,
                  `not available: ${unavailable.join(", ")}`,
                  "pick zones `aws ec2 describe-availability-zones` lists as available",
              );
    });
}

async function offeredTypes(context: PreflightContext): Promise<Map<string, Set<string>>> {
    const byZone = new Map(context.config.network.availabilityZones.map((zone) => [zone, new Set<string>()]));
    const request = { LocationType: "availability-zone" as const, Filters: [{ Name: "location", Values: [...byZone.keys()] }] };
    for await (const page of paginateDescribeInstanceTypeOfferings({ client: context.clients.ec2 }, request)) {
        for (const offering of page.InstanceTypeOfferings ?? []) {
            byZone.get(offering.Location!)?.add(offering.InstanceType!);
        }
    }
    return byZone;
}

async function instanceTypesOffered(context: PreflightContext): Promise<CheckResult[]> {
    return guarded(AREA, "instance types offered", "ec2:DescribeInstanceTypeOfferings", async () => {
        const byZone = await offeredTypes(context);
        const results: CheckResult[] = [];
        for (const group of groupNeeds(context.config)) {
            const check = `node group ${group.label} types in every zone`;
            const missing = [...byZone].flatMap(([zone, types]) =>
                group.instanceTypes.filter((t) => !types.has(t)).map((t) => `${t} in ${zone}`),
            );
            results.push(
                missing.length === 0
                    ? pass(AREA, check, group.instanceTypes.join(", "))
                    : fail(AREA, check, `not offered: ${missing.join(", ")}`, "use instance types offered in every zone, or other zones"),
            );
        }
        for (const pool of poolNeeds(context.config)) {
            const check = `NodePool ${pool.label} can launch in every zone`;
            const counts = [...byZone].map(([zone, types]) => [zone, pool.admittedTypes.filter((t) => types.has(t)).length] as const);
            const empty = counts.filter(([, n]) => n === 0).map(([zone]) => zone);
            results.push(
                empty.length === 0
                    ? pass(AREA, check, counts.map(([zone, n]) => `${n} admitted types in ${zone}`).join(", "))
                    : fail(
                          AREA,
                          check,
                          `none of its admitted types is offered in ${empty.join(", ")}`,
                          "widen its instanceCategories, minGeneration or architectures, or use other zones",
                      ),
            );
        }
        return results;
    });
}

/**
 * Instance categories outside the Standard vCPU quotas: each has a quota of its own (F, G and VT,
 * P, X, Inf, DL, Trn, HPC, High Memory), often 0 on a new account (EC2 User Guide, "vCPU-based
 * On-Demand Instance limits"). Preflight does not check those; it says which the stack may use.
 */
export const NON_STANDARD_CATEGORIES = ["dl", "f", "g", "gr", "hpc", "inf", "p", "trn", "u", "vt", "x"];

/** The non-Standard categories the node groups or NodePools may launch. */
export function nonStandardCategories(context: PreflightContext): string[] {
    const types = [
        ...groupNeeds(context.config).flatMap((g) => g.instanceTypes),
        ...poolNeeds(context.config).flatMap((p) => p.admittedTypes),
    ];
    const categories = types.map((type) => parseInstanceType(type)?.category).filter((c): c is string => c !== undefined);
    return [...new Set(categories)].filter((c) => NON_STANDARD_CATEGORIES.includes(c)).sort();
}

/** The quota's applied value, or AWS's default where no value is applied (GetServiceQuota: NoSuchResourceException). */
async function quotaValue(context: PreflightContext, code: string): Promise<number | undefined> {
    const request = { ServiceCode: "ec2", QuotaCode: code };
    const applied = await unlessMissing(context.clients.quotas.send(new GetServiceQuotaCommand(request)), "NoSuchResourceException");
    return (applied ?? (await context.clients.quotas.send(new GetAWSDefaultServiceQuotaCommand(request)))).Quota?.Value;
}

async function vcpuQuotas(context: PreflightContext): Promise<CheckResult[]> {
    const needs = vcpuNeeds(context.config);
    const wanted = [
        ["On-Demand Standard vCPUs", QUOTA_CODES.onDemandStandardVcpus, needs.onDemand],
        ["Spot Standard vCPUs", QUOTA_CODES.spotStandardVcpus, needs.spot],
    ] as const;
    const checks = wanted
        .filter(([, , need]) => need > 0)
        .map(([label, code, need]) =>
            guarded(
                AREA,
                `${label} quota (${code})`,
                "servicequotas:GetServiceQuota, servicequotas:GetAWSDefaultServiceQuota",
                async () => {
                    const quota = await quotaValue(context, code);
                    const detail = `${quota} in the account; the stack may run ${need} (node groups at maxSize, NodePools at their CPU limits, every slot)`;
                    return quota !== undefined && quota >= need
                        ? pass(AREA, `${label} quota (${code})`, detail)
                        : fail(
                              AREA,
                              `${label} quota (${code})`,
                              detail,
                              `request an increase of ${code} in Service Quotas, or lower maxSize and the NodePools' limits`,
                          );
                },
            ),
        );
    const others = nonStandardCategories(context);
    const unchecked =
        others.length === 0
            ? []
            : [
                  warn(
                      AREA,
                      "vCPU quotas of other instance families",
                      `the stack may launch ${others.join(", ")} instances, whose vCPUs count against quotas of their own, not checked here`,
                      "check those families' quotas in Service Quotas (often 0 on a new account), or leave the categories out",
                  ),
              ];
    return [...(await Promise.all(checks)).flat(), ...unchecked];
}

async function elasticIps(context: PreflightContext): Promise<CheckResult[]> {
    const need = elasticIpNeed(context.config);
    const check = `Elastic IPs for ${need} NAT gateway${need > 1 ? "s" : ""} (${QUOTA_CODES.elasticIps})`;
    return guarded(
        AREA,
        check,
        "servicequotas:GetServiceQuota, servicequotas:GetAWSDefaultServiceQuota, ec2:DescribeAddresses",
        async () => {
            const [quota, { Addresses = [] }] = await Promise.all([
                quotaValue(context, QUOTA_CODES.elasticIps),
                context.clients.ec2.send(new DescribeAddressesCommand({})),
            ]);
            const tagsOf = (address: (typeof Addresses)[number]) => Object.fromEntries((address.Tags ?? []).map((t) => [t.Key!, t.Value!]));
            const others = Addresses.filter((a) => !ownedBy(tagsOf(a), context.config.tags)).length;
            const free = (quota ?? 0) - others;
            const detail = `quota ${quota}, ${others} held by others, ${free} free`;
            return free >= need
                ? pass(AREA, check, detail)
                : fail(
                      AREA,
                      check,
                      detail,
                      `release unused Elastic IPs, request an increase of ${QUOTA_CODES.elasticIps}, or set network.natGateways: single`,
                  );
        },
    );
}

async function spotRole(context: PreflightContext): Promise<CheckResult[]> {
    if (!usesSpot(context.config)) {
        return [];
    }
    const check = `Spot service-linked role ${SPOT_SERVICE_LINKED_ROLE}`;
    return guarded("iam", check, "iam:GetRole", async () => {
        const role = await unlessMissing(
            context.clients.iam.send(new GetRoleCommand({ RoleName: SPOT_SERVICE_LINKED_ROLE })),
            ...IAM_MISSING,
        );
        return role
            ? pass("iam", check, "exists")
            : warn(
                  "iam",
                  check,
                  "missing: the first spot launch creates it, if the launching role may (Karpenter's may)",
                  "to create it ahead: aws iam create-service-linked-role --aws-service-name spot.amazonaws.com",
              );
    });
}

async function karpenterAmis(context: PreflightContext): Promise<CheckResult[]> {
    const wanted = new Map<string, string>();
    for (const { cluster } of context.config.slots.filter((s) => s.cluster.autoscaler === "karpenter")) {
        const release = KUBERNETES_MINORS[cluster.kubernetesVersion].al2023AmiRelease;
        for (const arch of new Set(Object.values(cluster.nodePools).flatMap((pool) => pool.architectures))) {
            wanted.set(al2023AmiParameter(arch === "amd64" ? "x86_64" : "arm64", cluster.kubernetesVersion, release), `al2023@${release}`);
        }
    }
    const checks = [...wanted].map(([parameter, alias]) => {
        const check = `Karpenter's AMI ${alias} (${parameter.split("/")[7]})`;
        return guarded(AREA, check, "ssm:GetParameter", async () => {
            const found = await unlessMissing(context.clients.ssm.send(new GetParameterCommand({ Name: parameter })), "ParameterNotFound");
            return found
                ? pass(AREA, check, `resolves to ${found.Parameter?.Value}`)
                : fail(
                      AREA,
                      check,
                      `no such build in ${context.config.region}: Karpenter cannot resolve ${alias} and launches no node`,
                      "pin a release with a build of this minor in stacks/kubernetes-versions.ts (al2023AmiRelease)",
                  );
        });
    });
    return (await Promise.all(checks)).flat();
}

export async function ec2Checks(context: PreflightContext): Promise<CheckResult[]> {
    const results = await Promise.all([
        zonesExist(context),
        instanceTypesOffered(context),
        vcpuQuotas(context),
        elasticIps(context),
        spotRole(context),
        karpenterAmis(context),
    ]);
    return results.flat();
}
