/**
 * List prices the cost estimate uses, in USD, each with its source and the date the source
 * states. They are public list prices (On-Demand, Linux, shared tenancy), not a bill: no Savings
 * Plans, Reserved Instances, spot discounts, credits or free tiers. A price this table lacks is
 * reported as not priced, never guessed; add it here with its source.
 */

/** Hours in a month, as AWS's pricing calculator counts them. */
export const HOURS_PER_MONTH = 730;

/** The regions the table has EC2 prices for. */
export const PRICED_REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "eu-central-1", "ap-southeast-2"] as const;

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
 * EC2 On-Demand Linux per instance-hour. Source: Vantage's mirror of the AWS Price List
 * (instances.vantage.sh instances.json, as committed to jawaadjariwala/AWS-EC2-Pricing-Landscape-
 * Analysis data/ec2_pricing_tidy.parquet on 2026-07-05); its us-east-1 values equal Karpenter's
 * generated price table (aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go,
 * 2026-01-19) for every type below.
 */
export const EC2_ON_DEMAND_HOUR: Readonly<Record<string, Readonly<Record<string, number>>>> = {
    "us-east-1": {
        "m7g.large": 0.0816,
        "m6g.large": 0.077,
        "t4g.medium": 0.0336,
        "m7i.xlarge": 0.2016,
        "m6i.xlarge": 0.192,
        "m7a.xlarge": 0.23184,
        "m6i.large": 0.096,
        "c6g.large": 0.068,
        "c7g.large": 0.0725,
        "r6g.large": 0.1008,
        "c6i.large": 0.085,
        "r7i.large": 0.1323,
        "r6i.large": 0.126,
    },
    "us-east-2": {
        "m7g.large": 0.0816,
        "m6g.large": 0.077,
        "t4g.medium": 0.0336,
        "m7i.xlarge": 0.2016,
        "m6i.xlarge": 0.192,
        "m7a.xlarge": 0.23184,
        "m6i.large": 0.096,
        "c6g.large": 0.068,
        "c7g.large": 0.0723,
        "r6g.large": 0.1008,
        "c6i.large": 0.085,
        "r7i.large": 0.1323,
        "r6i.large": 0.126,
    },
    "eu-west-1": {
        "m7g.large": 0.091,
        "m6g.large": 0.086,
        "t4g.medium": 0.0368,
        "m7i.xlarge": 0.2247,
        "m6i.xlarge": 0.214,
        "m7a.xlarge": 0.2584,
        "m6i.large": 0.107,
        "c6g.large": 0.073,
        "c7g.large": 0.0775,
        "r6g.large": 0.1128,
        "c6i.large": 0.0912,
        "r7i.large": 0.14805,
        "r6i.large": 0.141,
    },
    "eu-central-1": {
        "m7g.large": 0.0978,
        "m6g.large": 0.092,
        "t4g.medium": 0.0384,
        "m7i.xlarge": 0.2415,
        "m6i.xlarge": 0.23,
        "m7a.xlarge": 0.27772,
        "m6i.large": 0.115,
        "c6g.large": 0.0776,
        "c7g.large": 0.0825,
        "r6g.large": 0.1216,
        "c6i.large": 0.097,
        "r7i.large": 0.1596,
        "r6i.large": 0.152,
    },
    "ap-southeast-2": {
        "m7g.large": 0.102,
        "m6g.large": 0.096,
        "t4g.medium": 0.0424,
        "m7i.xlarge": 0.252,
        "m6i.xlarge": 0.24,
        "m7a.xlarge": 0.2898,
        "m6i.large": 0.12,
        "c6g.large": 0.0888,
        "c7g.large": 0.0944,
        "r6g.large": 0.1208,
        "c6i.large": 0.111,
        "r7i.large": 0.15855,
        "r6i.large": 0.151,
    },
};

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
 * Regional prices beyond EC2, each from the AWS Price List offer files
 * (pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/<version>/<region>/index.csv) as
 * quoted by public cost reviews of 2026, or the dated source named:
 * - us-east-1: AmazonEC2 2026-09-25, AWSELB 2026-09-11 (SoongGuanLeong/de-platform
 *   docs/research/21-aws-pricing-snapshot.md).
 * - us-east-2: gp3 from the AmazonEC2 offer embedded in opencost pkg/cloud/aws/provider_test.go
 *   @9008fbdf (SKU M6UGCCQ3CDJQAA37, effective 2023-03-01; no 2026 quote found); NAT gateway from
 *   the worked example of aws.amazon.com/vpc/pricing (read 2026-09-20); ALB hour and LCU from the
 *   AWSELB us-east-2 offer published 2026-09-11 (SKU HCVPZW9WEWSJKJWJ).
 * - eu-west-1: gp3 SKU TXACT7E3PV6ZX2NM (effective 2026-04-01), NAT gateway hour
 *   KFNSSCHWD43WZK2R and per GB DTH8595YVPFXV226, all in AmazonEC2 offer 20260910195514; ALB hour
 *   T29JAP5UEZ7HXAM7 and LCU YE8QE7GMG9794PDX in the AWSELB eu-west-1 offer (read 2026-09-14).
 * - eu-central-1: gp3 in AmazonEC2 offer 20260903195206 (effective 2026-09-01); NAT gateway hour
 *   and per GB from the Frankfurt AmazonEC2 offer (read 2026-09-16); ALB hour and LCU in AWSELB
 *   offer 20260911124544 (effective 2026-08-01).
 * - ap-southeast-2: gp3 and NAT gateway per GB from the Sydney AmazonEC2 and AmazonVPC offers
 *   (read 2026-07-23 and 2026-08-21). Its NAT gateway hour, ALB hour and LCU were found only
 *   derived or in a 2017 table: not priced.
 */
export const REGIONAL_PRICES: Readonly<Record<string, Partial<Record<RegionalItem, number>>>> = {
    "us-east-1": { gp3GbMonth: 0.08, natGatewayHour: 0.045, natGatewayGb: 0.045, albHour: 0.0225, albLcuHour: 0.008 },
    "us-east-2": { gp3GbMonth: 0.08, natGatewayHour: 0.045, natGatewayGb: 0.045, albHour: 0.0225, albLcuHour: 0.008 },
    "eu-west-1": { gp3GbMonth: 0.088, natGatewayHour: 0.048, natGatewayGb: 0.048, albHour: 0.0252, albLcuHour: 0.008 },
    "eu-central-1": { gp3GbMonth: 0.0952, natGatewayHour: 0.052, natGatewayGb: 0.052, albHour: 0.027, albLcuHour: 0.008 },
    "ap-southeast-2": { gp3GbMonth: 0.096, natGatewayGb: 0.059 },
};

export type RegionalItem = "gp3GbMonth" | "natGatewayHour" | "natGatewayGb" | "albHour" | "albLcuHour";

export function ec2Hourly(region: string, instanceType: string): number | undefined {
    return EC2_ON_DEMAND_HOUR[region]?.[instanceType];
}

export function regionalPrice(region: string, item: RegionalItem): number | undefined {
    return REGIONAL_PRICES[region]?.[item];
}
