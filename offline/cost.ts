/**
 * A stack's monthly cost at list prices, estimated from its offline render: the EKS control plane,
 * nodes (node groups at their desired size; Karpenter pools as a range up to their CPU limits),
 * their root volumes, NAT gateways, the ALB, CloudWatch alarms, KMS keys, and optionally Datadog
 * hosts. Usage-priced items (NAT and ALB traffic, SQS, EventBridge, Lambda, SNS, logs) are shown
 * as rates, not in the total. A price offline/prices.ts lacks makes the total partial and is named.
 */
import { today } from "../stacks/clock";
import { KUBERNETES_MINORS, pastStandardSupport } from "../stacks/kubernetes-versions";
import { instanceVcpus } from "../stacks/instance-types";
import { Flat, flatValue } from "./flat";
import { RenderedResource } from "./program-run";
import { ec2Hourly, FLAT_PRICES, HOURS_PER_MONTH, NODE_POOL_REFERENCE_TYPES, regionalPrice, RegionalItem } from "./prices";

export interface CostLine {
    readonly item: string;
    readonly quantity: string;
    /** Monthly USD, low and high (equal unless the item is a range); undefined when not priced. */
    readonly monthly?: { readonly low: number; readonly high: number };
    readonly note?: string;
}

export interface CostEstimate {
    readonly region: string;
    readonly lines: CostLine[];
    readonly total: { readonly low: number; readonly high: number };
    /** Items without a pinned price: the total leaves them out. */
    readonly unpriced: string[];
}

export interface CostOptions {
    /** Datadog Infrastructure Pro per node, billed annually. */
    readonly datadogHosts?: boolean;
}

/** An amount to the cent. */
export const roundUsd = (amount: number) => Math.round(amount * 100) / 100;

export function usd(amount: number): string {
    return `$${amount.toFixed(2)}`;
}

/** A rendered EKS cluster's Kubernetes minor and upgrade policy (EKS's default when unset: EXTENDED). */
export function clusterSupport(cluster: RenderedResource): { version: string; supportType: string } {
    const policy = cluster.inputs.upgradePolicy as { supportType?: string } | undefined;
    return { version: String(cluster.inputs.version), supportType: policy?.supportType ?? "EXTENDED" };
}

/** One amount, or a low - high range. */
export function usdRange(money: { readonly low: number; readonly high: number }): string {
    return money.low === money.high ? usd(money.low) : `${usd(money.low)} - ${usd(money.high)}`;
}

const monthlyOf = (hourly: number, count: number) => roundUsd(hourly * HOURS_PER_MONTH * count);
const fixed = (amount: number) => ({ low: amount, high: amount });

export function estimateCost(resources: readonly RenderedResource[], config: Flat, options: CostOptions = {}): CostEstimate {
    const region = String(flatValue(config, "aws:region") ?? "");
    const lines: CostLine[] = [];
    const unpriced: string[] = [];
    const add = (line: CostLine) => {
        lines.push(line);
        if (!line.monthly) {
            unpriced.push(line.item);
        }
    };
    const ofType = (type: string) => resources.filter((r) => r.type === type);
    const ec2 = (instanceType: string) => ec2Hourly(region, instanceType);
    let nodes = { low: 0, high: 0 };

    for (const cluster of ofType("eks:index:Cluster")) {
        // Each cluster's own minor and policy: two blue/green slots may differ.
        const { version, supportType } = clusterSupport(cluster);
        const window = KUBERNETES_MINORS[version];
        const extended = window !== undefined && pastStandardSupport(window, today()) && supportType === "EXTENDED";
        const hourly = extended ? FLAT_PRICES.eksExtendedClusterHour : FLAT_PRICES.eksStandardClusterHour;
        add({
            item: `EKS control plane ${cluster.inputs.name}`,
            quantity: `1 cluster, ${extended ? "extended" : "standard"} support (${version})`,
            monthly: fixed(monthlyOf(hourly, 1)),
        });
    }

    const volumes = new Map<string, number>();
    for (const template of ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
        const tags = (template.inputs.tagSpecifications as { tags?: Record<string, string> }[] | undefined)?.[0]?.tags;
        const size = (template.inputs.blockDeviceMappings as { ebs?: { volumeSize?: number } }[] | undefined)?.[0]?.ebs?.volumeSize;
        if (tags?.Name && size) {
            volumes.set(tags.Name, size);
        }
    }
    const gp3 = regionalPrice(region, "gp3GbMonth");
    let diskGb = 0;
    const nodeGroup = (label: string, types: string[], count: number, spot: boolean, name?: string) => {
        const prices = types.map(ec2);
        const known = prices.every((p) => p !== undefined);
        const low = known ? monthlyOf(Math.min(...(prices as number[])), count) : 0;
        const high = known ? monthlyOf(Math.max(...(prices as number[])), count) : 0;
        add({
            item: label,
            quantity: `${count} x ${types.join(" / ")}`,
            ...(known ? { monthly: { low, high } } : {}),
            note: spot ? "spot: billed at the spot price, at most this" : undefined,
        });
        if (known) {
            nodes = { low: nodes.low + count, high: nodes.high + count };
        }
        diskGb += count * (volumes.get(name ?? "") ?? 0);
    };
    for (const group of ofType("eks:index:ManagedNodeGroup")) {
        const scaling = group.inputs.scalingConfig as { desiredSize: number };
        const tags = group.inputs.tags as Record<string, string> | undefined;
        nodeGroup(
            `node group ${tags?.Name ?? group.name}`,
            group.inputs.instanceTypes as string[],
            scaling.desiredSize,
            group.inputs.capacityType === "SPOT",
            tags?.Name,
        );
    }
    for (const asg of ofType("aws:autoscaling/group:Group")) {
        const policy = asg.inputs.mixedInstancesPolicy as
            | {
                  launchTemplate: { overrides: { instanceType: string }[] };
                  instancesDistribution?: { onDemandPercentageAboveBaseCapacity?: number };
              }
            | undefined;
        const types = policy?.launchTemplate.overrides.map((o) => o.instanceType) ?? [];
        const name = String(asg.inputs.namePrefix ?? asg.name).replace(/-$/, "");
        nodeGroup(
            `self-managed group ${name}`,
            types,
            Number(asg.inputs.desiredCapacity ?? 0),
            policy?.instancesDistribution?.onDemandPercentageAboveBaseCapacity === 0,
            name,
        );
    }
    for (const pool of ofType("kubernetes:karpenter.sh/v1:NodePool")) {
        add(nodePoolLine(pool, region));
    }
    if (diskGb > 0) {
        add({
            item: "EBS gp3 root volumes",
            quantity: `${diskGb} GB`,
            ...(gp3 !== undefined ? { monthly: fixed(roundUsd(diskGb * gp3)) } : {}),
        });
    }

    for (const vpc of ofType("awsx:ec2:Vpc")) {
        const strategy = (vpc.inputs.natGateways as { strategy?: string } | undefined)?.strategy;
        const count = strategy === "OnePerAz" ? (vpc.inputs.availabilityZoneNames as string[]).length : strategy === "Single" ? 1 : 0;
        if (count > 0) {
            add(regional("NAT gateways", `${count}`, region, "natGatewayHour", count, "natGatewayGb", "per GB processed"));
        }
    }
    const albs = ofType("aws:lb/loadBalancer:LoadBalancer").length;
    if (albs > 0) {
        add(regional("Application Load Balancer", `${albs}`, region, "albHour", albs, "albLcuHour", "per LCU-hour of traffic"));
    }

    const alarmMetrics = ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => ((a.inputs.metricQueries as { metric?: unknown }[] | undefined) ?? []).filter((q) => q.metric).length || 1)
        .reduce((sum, n) => sum + n, 0);
    const composites = ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm").length;
    if (alarmMetrics + composites > 0) {
        add({
            item: "CloudWatch alarms",
            quantity: `${alarmMetrics} alarm metrics, ${composites} composite`,
            monthly: fixed(roundUsd(alarmMetrics * FLAT_PRICES.alarmMetricMonth + composites * FLAT_PRICES.compositeAlarmMonth)),
            note: "the account's first 10 alarm metrics are free",
        });
    }
    const keys = ofType("aws:kms/key:Key").length;
    if (keys > 0) {
        add({ item: "KMS keys", quantity: `${keys}`, monthly: fixed(keys * FLAT_PRICES.kmsKeyMonth) });
    }
    const usage = [
        "aws:sqs/queue:Queue",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:lambda/function:Function",
        "aws:sns/topic:Topic",
    ].filter((t) => ofType(t).length > 0);
    if (usage.length > 0) {
        lines.push({
            item: "SQS, EventBridge, Lambda, SNS",
            quantity: "per request",
            monthly: fixed(0),
            note: "usage-priced; alerting volumes stay within the free tiers",
        });
    }
    if (options.datadogHosts && ofType("pulumi:providers:datadog").length > 0) {
        const pools = ofType("kubernetes:karpenter.sh/v1:NodePool").map((p) => Number(cpuLimit(p)) / 2);
        const high = nodes.high + pools.reduce((a, b) => a + b, 0);
        lines.push({
            item: "Datadog Infrastructure Pro hosts",
            quantity: `${nodes.low}${high > nodes.low ? `-${high}` : ""} hosts`,
            monthly: { low: nodes.low * FLAT_PRICES.datadogProHostMonthAnnual, high: high * FLAT_PRICES.datadogProHostMonthAnnual },
            note: "billed annually",
        });
    }

    const total = lines.reduce(
        (sum, l) => ({ low: roundUsd(sum.low + (l.monthly?.low ?? 0)), high: roundUsd(sum.high + (l.monthly?.high ?? 0)) }),
        { low: 0, high: 0 },
    );
    return { region, lines, total, unpriced };
}

function regional(
    item: string,
    quantity: string,
    region: string,
    hourItem: RegionalItem,
    count: number,
    rateItem: RegionalItem,
    rateUnit: string,
): CostLine {
    const hourly = regionalPrice(region, hourItem);
    const rate = regionalPrice(region, rateItem);
    return {
        item,
        quantity,
        ...(hourly !== undefined ? { monthly: fixed(monthlyOf(hourly, count)) } : {}),
        note: rate !== undefined ? `plus $${rate} ${rateUnit}` : `plus a charge ${rateUnit} (not priced in ${region})`,
    };
}

function cpuLimit(pool: RenderedResource): string {
    return String((pool.inputs.spec as { limits?: { cpu?: string } }).limits?.cpu ?? "0");
}

/** A NodePool costs nothing while empty and at most its CPU limit at the dearest vCPU it admits. */
function nodePoolLine(pool: RenderedResource, region: string): CostLine {
    const spec = pool.inputs.spec as { template: { spec: { requirements: { key: string; values: string[] }[] } } };
    const admitted = (key: string) => spec.template.spec.requirements.find((r) => r.key === key)?.values ?? [];
    const cores = Number(cpuLimit(pool));
    // Per architecture and category admitted, the dearest vCPU among its reference types priced in
    // the region (mostly, an unpriced type is one the region does not offer); a category with none
    // of them priced leaves the pool not priced rather than bounded by the other categories.
    const perVcpu = (admitted("kubernetes.io/arch") as ("arm64" | "amd64")[]).flatMap((arch) =>
        admitted("karpenter.k8s.aws/instance-category").flatMap((category) => {
            const references = NODE_POOL_REFERENCE_TYPES[arch]?.[category] ?? [];
            const offered = references.flatMap((type) => {
                const hourly = ec2Hourly(region, type);
                return hourly === undefined ? [] : [hourly / instanceVcpus(type)!];
            });
            return references.length === 0 ? [] : [offered.length > 0 ? Math.max(...offered) : NaN];
        }),
    );
    const name = (pool.inputs.metadata as { name: string }).name;
    const spot = admitted("karpenter.sh/capacity-type").every((c) => c === "spot");
    if (perVcpu.length === 0 || perVcpu.some(Number.isNaN)) {
        return { item: `Karpenter NodePool ${name}`, quantity: `0-${cores} vCPU` };
    }
    return {
        item: `Karpenter NodePool ${name}`,
        quantity: `0-${cores} vCPU`,
        monthly: { low: 0, high: monthlyOf(Math.max(...perVcpu), cores) },
        note: `empty to full (its CPU limit at the dearest vCPU it admits)${spot ? "; spot: billed at the spot price, less than this" : ""}`,
    };
}
