/**
 * List prices the cost estimate uses, in USD, each with its source and the date the source
 * states. They are public list prices (On-Demand, Linux, shared tenancy), not a bill: no Savings
 * Plans, Reserved Instances, spot discounts, credits or free tiers. A price this table lacks is
 * reported as not priced, never guessed; add it here with its source. The regional tables are
 * data in price-tables.ts.
 */
import { EC2_ON_DEMAND_ROWS, EC2_PRICED_TYPES, REGIONAL_ITEMS, REGIONAL_ROWS } from "./price-tables";

/** Hours in a month, as AWS's pricing calculator counts them. */
export const HOURS_PER_MONTH = 730;

/** The regions the tables have prices for: every commercial region of stacks/availability-zones.ts. */
export const PRICED_REGIONS: readonly string[] = Object.keys(EC2_ON_DEMAND_ROWS);

/**
 * Prices with no regional variation in any source found.
 * - EKS: AWS Containers blog "Amazon EKS extended support for Kubernetes versions pricing":
 *   $0.10 per cluster-hour in standard support, a total of $0.60 in extended support (from the
 *   April 2024 billing cycle); the AWS Price List (AmazonEKS, 2026-09-18) bills the same as
 *   $0.10 + $0.50.
 * - KMS: aws.amazon.com/kms/pricing "Each AWS KMS key that you create in KMS costs $1/month".
 * - CloudWatch alarms: $0.10 per standard-resolution alarm metric and $0.50 per composite alarm
 *   (third-party: c3x.dev's aws_cloudwatch_metric_alarm page, us-east-1; the official page's
 *   tables could not be read). An alarm on metric math is counted per metric it reads.
 * - Datadog Infrastructure Pro: $15 per host per month billed annually, $18 on demand
 *   (third-party: toolstac.com's Datadog cost guide, September 2025; the official page could not
 *   be read).
 */
export const FLAT_PRICES = {
    eksStandardClusterHour: 0.1,
    eksExtendedClusterHour: 0.6,
    kmsKeyMonth: 1,
    alarmMetricMonth: 0.1,
    compositeAlarmMonth: 0.5,
    datadogProHostMonthAnnual: 15,
} as const;

/**
 * EC2 On-Demand Linux (shared tenancy, no pre-installed software) per instance-hour. Source:
 * Vantage's mirror of the AWS Price List (instances.vantage.sh instances.json), as committed to
 * jawaadjariwala/AWS-EC2-Pricing-Landscape-Analysis data/ec2_pricing_tidy.parquet @cbe0a516
 * (2026-07-05; read by its notebook on 2026-05-12), its `linux` rows' `ondemand_usd_per_hour`.
 * Its us-east-1 values equal Karpenter's generated table (aws/karpenter-provider-aws
 * pkg/providers/pricing/zz_generated.pricing_aws.go, generated 2026-07-20) for every type here.
 * A type the source has no row for in a region is not priced there. Mostly the region does not
 * offer it (m7a.xlarge exists in 10 regions); some may be gaps in the source (m6i, c6i and r6i
 * are missing in ap-southeast-4 and eu-south-2 while m7i and r7i are there).
 */
export const EC2_ON_DEMAND_HOUR: Readonly<Record<string, Readonly<Record<string, number>>>> = Object.fromEntries(
    Object.entries(EC2_ON_DEMAND_ROWS).map(([region, row]) => [region, columns(EC2_PRICED_TYPES, row)]),
);

/**
 * The instance types whose per-vCPU price bounds a Karpenter NodePool: per architecture and
 * instance category, generation 6 and newer; a pool's ceiling is its CPU limit at the dearest
 * vCPU among the categories and architectures it admits.
 */
export const NODE_POOL_REFERENCE_TYPES: Readonly<Record<"arm64" | "amd64", Readonly<Record<string, readonly string[]>>>> = {
    arm64: { c: ["c6g.large", "c7g.large"], m: ["m6g.large", "m7g.large"], r: ["r6g.large"] },
    amd64: { c: ["c6i.large"], m: ["m6i.large", "m7i.xlarge", "m7a.xlarge"], r: ["r6i.large", "r7i.large"] },
};

/**
 * Regional prices beyond EC2, from copies of the AWS Price List (the offer files and the feeds
 * behind AWS's pricing pages), each with the date it states:
 * - NAT gateway hour (`NatGateway-Hours`) and gp3 GB-month (`EBS:VolumeUsage.gp3`), every region,
 *   and ALB hour (`LoadBalancerUsage`, "Load Balancer-Application") in 21: xbill9/zombiescan
 *   src/zombiescan/pricing/table.json @350cba96, generated from the Price List API 2026-09-21.
 *   NAT hours agree with lamngockhuong/aws-price lib/data/pricing/natgateway.json @ce57d15e (the
 *   VPC pricing page's feed, published 2025-10-28) in all 34 regions and with mooncitizen/togen
 *   internal/cost/prices/aws.json @e7656e59 (AmazonEC2 offer 20260904231117) in 23; gp3 agrees
 *   with yeo/ec2.shop data/ebs/ebs.json @576c890f (the EBS pricing page's feed, 2024-07-18) in 29.
 * - NAT gateway per GB (`NatGateway-Bytes`): aws-price's natgateway.json, every region.
 * - ALB LCU-hour (`LCUUsage`): catchmeif404/aws-cost-calculator backend/src/main/resources/pricing
 *   @bfd879fc (AWSELB offers fetched 2026-09-03: us-east-1, us-west-2, eu-central-1,
 *   ap-northeast-1, ap-northeast-2); x7even/cloudcostsmcp aws_network_alb_test.go @1b72a8b5
 *   (AWSELB offers fetched 2026-07-03: ca-central-1 0.0088, eu-west-1 0.008); us-east-2 from its
 *   AWSELB offer published 2026-09-11 (SKU HCVPZW9WEWSJKJWJ). LCU differs by region (ca-central-1),
 *   so a region without a source stays not priced rather than taking 0.008.
 * The same values were pinned earlier from the offer files for us-east-1, us-east-2, eu-west-1,
 * eu-central-1 and ap-southeast-2 (gp3, NAT per GB); the tables agree with all of them.
 */
export const REGIONAL_PRICES: Readonly<Record<string, Partial<Record<RegionalItem, number>>>> = Object.fromEntries(
    Object.entries(REGIONAL_ROWS).map(([region, row]) => [region, columns(REGIONAL_ITEMS, row)]),
);

export type RegionalItem = (typeof REGIONAL_ITEMS)[number];

/** A row of a price table as name -> price, the columns without a price left out. */
function columns<K extends string>(names: readonly K[], row: readonly (number | null)[]): Partial<Record<K, number>> {
    return Object.fromEntries(names.flatMap((name, i) => (row[i] === null ? [] : [[name, row[i]]]))) as Partial<Record<K, number>>;
}
export function ec2Hourly(region: string, instanceType: string): number | undefined {
    return EC2_ON_DEMAND_HOUR[region]?.[instanceType];
}

export function regionalPrice(region: string, item: RegionalItem): number | undefined {
    return REGIONAL_PRICES[region]?.[item];
}
