/**
 * The monthly list-price estimate (npm run cost): a worked example checked by hand, the support
 * tier of the control plane, ranges for what scales, and prices it does not have named.
 */
import { expect } from "chai";
import { estimateCost } from "../offline/cost";
import { flatStackConfig } from "../offline/change-diff";
import { RenderedResource } from "../offline/program-run";
import { EC2_ON_DEMAND_HOUR, PRICED_REGIONS, REGIONAL_PRICES, RegionalItem } from "../offline/prices";
import { ZONE_LETTERS } from "../stacks/availability-zones";
import { formatCost, parseCostArgs } from "../scripts/cost";
import { fixtureRun, readFixtureConfig } from "./support/fixtures";

const resource = (type: string, name: string, inputs: Record<string, unknown>): RenderedResource => ({
    urn: `urn:pulumi:t::eks-platform::${type}::${name}`,
    type,
    name,
    parent: null,
    dependencies: [],
    inputs,
});

const cluster = (version = "1.35", supportType = "STANDARD") =>
    resource("eks:index:Cluster", "eks-cluster", { name: "shop-qa", version, upgradePolicy: { supportType } });

/** One cluster, two m6i.large nodes with 50 GB each, one NAT gateway, one ALB, four alarms, a key. */
const WORKED_EXAMPLE = [
    cluster(),
    resource("eks:index:ManagedNodeGroup", "eks-system", {
        instanceTypes: ["m6i.large"],
        capacityType: "ON_DEMAND",
        scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
        tags: { Name: "shop-qa-system" },
    }),
    resource("aws:ec2/launchTemplate:LaunchTemplate", "eks-system", {
        blockDeviceMappings: [{ ebs: { volumeSize: 50, volumeType: "gp3" } }],
        tagSpecifications: [{ resourceType: "instance", tags: { Name: "shop-qa-system" } }],
    }),
    resource("awsx:ec2:Vpc", "network-vpc", { natGateways: { strategy: "Single" }, availabilityZoneNames: ["us-east-1a", "us-east-1b"] }),
    resource("aws:lb/loadBalancer:LoadBalancer", "alb", {}),
    resource("aws:cloudwatch/metricAlarm:MetricAlarm", "a", { metricName: "HTTPCode_ELB_5XX_Count" }),
    resource("aws:cloudwatch/metricAlarm:MetricAlarm", "b", { metricName: "TargetResponseTime" }),
    resource("aws:cloudwatch/metricAlarm:MetricAlarm", "c", {
        metricQueries: [
            { id: "e", expression: "m1/m2" },
            { id: "m1", metric: {} },
            { id: "m2", metric: {} },
            { id: "m3", metric: {} },
        ],
    }),
    resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", "burn", {}),
    resource("aws:kms/key:Key", "secrets", {}),
];

const config = (region: string) => ({ "aws:region": JSON.stringify(region) });

describe("cost estimate", () => {
    it("prices the worked example as by hand (us-east-1, 730 hours)", () => {
        const estimate = estimateCost(WORKED_EXAMPLE, config("us-east-1"));
        const monthly = Object.fromEntries(estimate.lines.map((l) => [l.item, l.monthly?.high]));
        expect(monthly).to.deep.equal({
            "EKS control plane shop-qa": 73, // 0.10 x 730
            "node group shop-qa-system": 140.16, // 2 x 0.096 x 730
            "EBS gp3 root volumes": 8, // 100 GB x 0.08
            "NAT gateways": 32.85, // 0.045 x 730
            "Application Load Balancer": 16.43, // 0.0225 x 730 = 16.425
            "CloudWatch alarms": 1, // (1 + 1 + 3 metrics) x 0.10 + 1 composite x 0.50
            "KMS keys": 1,
        });
        expect(estimate.total).to.deep.equal({ low: 272.44, high: 272.44 });
        expect(estimate.unpriced).to.deep.equal([]);
        expect(estimate.lines.find((l) => l.item === "NAT gateways")!.note).to.equal("plus $0.045 per GB processed");
    });

    it("prices the worked example in eu-west-1, the example stacks' region, as by hand", () => {
        const estimate = estimateCost(WORKED_EXAMPLE, config("eu-west-1"));
        const monthly = Object.fromEntries(estimate.lines.map((l) => [l.item, l.monthly?.high]));
        expect(monthly).to.deep.equal({
            "EKS control plane shop-qa": 73,
            "node group shop-qa-system": 156.22, // 2 x 0.107 x 730
            "EBS gp3 root volumes": 8.8, // 100 GB x 0.088
            "NAT gateways": 35.04, // 0.048 x 730
            "Application Load Balancer": 18.4, // 0.0252 x 730 = 18.396
            "CloudWatch alarms": 1,
            "KMS keys": 1,
        });
        expect(estimate.unpriced).to.deep.equal([]);
        expect(estimate.lines.find((l) => l.item === "NAT gateways")!.note).to.equal("plus $0.048 per GB processed");
    });

    it("bills a minor past standard support at the extended price only with upgradePolicy EXTENDED", () => {
        const controlPlane = (policy: string) =>
            estimateCost([cluster("1.33", policy), ...WORKED_EXAMPLE.slice(1)], config("us-east-1")).lines[0];
        expect(controlPlane("EXTENDED")).to.deep.include({
            monthly: { low: 438, high: 438 },
            quantity: "1 cluster, extended support (1.33)",
        });
        expect(controlPlane("STANDARD").monthly).to.deep.equal({ low: 73, high: 73 });
    });

    it("names what it has no price for in the region and leaves it out of the total", () => {
        // Sydney: every hourly price is known; the ALB's LCU rate is not, and the line says so.
        const sydney = estimateCost(WORKED_EXAMPLE, config("ap-southeast-2"));
        expect(sydney.unpriced).to.deep.equal([]);
        // cluster, 2 x 0.12 x 730, 100 GB x 0.096, NAT 0.059 x 730, ALB 0.0252 x 730, alarms, key
        expect(sydney.total.high).to.equal(73 + 175.2 + 9.6 + 43.07 + 18.4 + 1 + 1);
        expect(sydney.lines.find((l) => l.item === "Application Load Balancer")!.note).to.equal(
            "plus a charge per LCU-hour of traffic (not priced in ap-southeast-2)",
        );
        // Melbourne: no price for m6i.large (the source lists none there), and no ALB hour was found.
        const melbourne = estimateCost(WORKED_EXAMPLE, config("ap-southeast-4"));
        expect(melbourne.unpriced).to.deep.equal(["node group shop-qa-system", "Application Load Balancer"]);
        expect(formatCost("qa", melbourne)).to.contain(
            "not priced in ap-southeast-4: node group shop-qa-system, Application Load Balancer",
        );
        expect(estimateCost(WORKED_EXAMPLE, config("us-gov-west-1")).unpriced).to.include("node group shop-qa-system");
    });

    it("gives Karpenter pools a range from empty to their CPU limit, and a node group the spread of its types", async () => {
        const run = await fixtureRun("prd");
        const estimate = estimateCost(run.resources, flatStackConfig(readFixtureConfig("prd")), { datadogHosts: true });
        const pools = estimate.lines.filter((l) => l.item.startsWith("Karpenter NodePool"));
        expect(pools).to.have.length.greaterThan(0);
        for (const pool of pools) {
            expect(pool.monthly!.low).to.equal(0);
            expect(pool.monthly!.high).to.be.greaterThan(0);
        }
        const group = estimate.lines.find((l) => l.item.startsWith("node group"))!;
        expect(group.quantity).to.equal("3 x m7g.large / m6g.large");
        // eu-west-1: 3 x 0.086 x 730 and 3 x 0.091 x 730
        expect(group.monthly).to.deep.equal({ low: 188.34, high: 199.29 });
        expect(estimate.lines.map((l) => l.item)).to.include("Datadog Infrastructure Pro hosts");
        expect(estimate.total.high).to.be.greaterThan(estimate.total.low);
        // A reference type without a price in the region (m7a.xlarge in us-west-1, not offered there) bounds nothing; the others do.
        const westPools = estimateCost(run.resources, {
            ...flatStackConfig(readFixtureConfig("prd")),
            "aws:region": '"us-west-1"',
        }).lines.filter((l) => l.item.startsWith("Karpenter NodePool"));
        expect(westPools.map((p) => p.item)).to.deep.equal(pools.map((p) => p.item));
        for (const pool of westPools) {
            expect(pool.monthly, pool.item).to.not.equal(undefined);
        }
        // eu-south-2 has no price for amd64 c's only reference type (c6i.large): the ceiling is not priced, not understated.
        const southPools = estimateCost(run.resources, {
            ...flatStackConfig(readFixtureConfig("prd")),
            "aws:region": '"eu-south-2"',
        }).lines.filter((l) => l.item.startsWith("Karpenter NodePool"));
        expect(southPools.map((p) => p.monthly)).to.deep.equal(pools.map(() => undefined));
    });

    it("takes stacks, --all and --datadog, and refuses an unknown option or no stack with the usage", () => {
        expect(parseCostArgs(["prd", "--datadog"])).to.deep.equal({ stacks: ["prd"], datadog: true });
        expect(parseCostArgs(["--all"], () => ["dev", "prd"])).to.deep.equal({ stacks: ["dev", "prd"], datadog: false });
        expect(() => parseCostArgs(["prd", "--datdog"])).to.throw(/^unknown option --datdog\n\nusage: npm run cost/);
        expect(() => parseCostArgs([])).to.throw(/^usage: npm run cost/);
    });

    it("has an EC2 price for every instance type a fixture or example stack runs, in its region", async () => {
        for (const stack of ["dev", "stg", "prd", "autoscaler", "notifier"]) {
            const run = await fixtureRun(stack);
            const region = JSON.parse(flatStackConfig(readFixtureConfig(stack))["aws:region"]);
            const types = run.resources.flatMap((r) =>
                r.type === "eks:index:ManagedNodeGroup"
                    ? (r.inputs.instanceTypes as string[])
                    : r.type === "aws:autoscaling/group:Group"
                      ? (r.inputs.mixedInstancesPolicy as any).launchTemplate.overrides.map((o: { instanceType: string }) => o.instanceType)
                      : [],
            );
            expect(types, stack).to.not.be.empty;
            expect(
                types.filter((t) => EC2_ON_DEMAND_HOUR[region][t] === undefined),
                `${stack} in ${region}`,
            ).to.deep.equal([]);
        }
    });

    it("prices every commercial region a stack may use: EC2, NAT gateway, gp3 everywhere; ALB hour and LCU where a source has them", () => {
        expect([...PRICED_REGIONS].sort()).to.deep.equal(Object.keys(ZONE_LETTERS).sort());
        for (const region of PRICED_REGIONS) {
            expect(REGIONAL_PRICES[region], region).to.include.keys("natGatewayHour", "natGatewayGb", "gp3GbMonth");
            // Every region offers the system nodes' Graviton types (t4g.medium, m6g.large, c6g.large, r6g.large).
            expect(EC2_ON_DEMAND_HOUR[region], region).to.include.keys("t4g.medium", "m6g.large", "c6g.large", "r6g.large");
        }
        const withItem = (item: RegionalItem) => PRICED_REGIONS.filter((r) => REGIONAL_PRICES[r][item] !== undefined).length;
        expect(withItem("albHour")).to.equal(21);
        expect(withItem("albLcuHour")).to.equal(8);
        // 13 types in 34 regions, less the 50 pairs the source lists no such instance for.
        expect(PRICED_REGIONS.reduce((n, r) => n + Object.keys(EC2_ON_DEMAND_HOUR[r]).length, 0)).to.equal(392);
        expect(EC2_ON_DEMAND_HOUR["us-west-1"]["m7a.xlarge"]).to.equal(undefined);
    });

    it("pins each regional list price to the offer file it was read from (offline/prices.ts names them)", () => {
        const pinned = (regions: string[]) => Object.fromEntries(regions.map((r) => [r, REGIONAL_PRICES[r]]));
        expect(
            pinned(["us-east-1", "us-east-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ca-central-1", "sa-east-1"]),
        ).to.deep.equal({
            "us-east-1": { gp3GbMonth: 0.08, natGatewayHour: 0.045, natGatewayGb: 0.045, albHour: 0.0225, albLcuHour: 0.008 },
            "us-east-2": { gp3GbMonth: 0.08, natGatewayHour: 0.045, natGatewayGb: 0.045, albHour: 0.0225, albLcuHour: 0.008 },
            "eu-west-1": { gp3GbMonth: 0.088, natGatewayHour: 0.048, natGatewayGb: 0.048, albHour: 0.0252, albLcuHour: 0.008 },
            "eu-central-1": { gp3GbMonth: 0.0952, natGatewayHour: 0.052, natGatewayGb: 0.052, albHour: 0.027, albLcuHour: 0.008 },
            "ap-southeast-2": { gp3GbMonth: 0.096, natGatewayHour: 0.059, natGatewayGb: 0.059, albHour: 0.0252 },
            // LCU is not one price everywhere: 0.0088 in Canada (Central).
            "ca-central-1": { gp3GbMonth: 0.088, natGatewayHour: 0.05, natGatewayGb: 0.05, albHour: 0.02475, albLcuHour: 0.0088 },
            "sa-east-1": { gp3GbMonth: 0.152, natGatewayHour: 0.093, natGatewayGb: 0.093, albHour: 0.034 },
        });
        // The newest regions, from the 2026-09-21 Price List table; no ALB price found for them.
        expect(REGIONAL_PRICES["ap-southeast-6"]).to.deep.equal({ gp3GbMonth: 0.1008, natGatewayHour: 0.06195, natGatewayGb: 0.06195 });
        expect(REGIONAL_PRICES["mx-central-1"]).to.deep.equal({ gp3GbMonth: 0.084, natGatewayHour: 0.04725, natGatewayGb: 0.04725 });
        expect(EC2_ON_DEMAND_HOUR["sa-east-1"]).to.include({ "m7g.large": 0.1301, "m7i.xlarge": 0.3213 });
    });
});
