/**
 * The monthly list-price estimate (npm run cost): a worked example checked by hand, the support
 * tier of the control plane, ranges for what scales, and prices it does not have named.
 */
import { expect } from "chai";
import { estimateCost } from "../offline/cost";
import { flatStackConfig } from "../offline/change-diff";
import { RenderedResource } from "../offline/program-run";
import { EC2_ON_DEMAND_HOUR, PRICED_REGIONS, REGIONAL_PRICES } from "../offline/prices";
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
        const estimate = estimateCost(WORKED_EXAMPLE, config("ap-southeast-2"));
        expect(estimate.unpriced).to.deep.equal(["NAT gateways", "Application Load Balancer"]);
        expect(estimate.total.high).to.equal(73 + 175.2 + 9.6 + 1 + 1); // cluster, 2 x 0.12 x 730, 100 GB x 0.096, alarms, key
        const unknownRegion = estimateCost(WORKED_EXAMPLE, config("sa-east-1"));
        expect(unknownRegion.unpriced).to.include("node group shop-qa-system");
        expect(formatCost("qa", unknownRegion)).to.contain("not priced in sa-east-1: node group shop-qa-system");
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
    });

    it("takes stacks, --all and --datadog, and refuses an unknown option or no stack with the usage", () => {
        expect(parseCostArgs(["prd", "--datadog"])).to.deep.equal({ stacks: ["prd"], datadog: true });
        expect(parseCostArgs(["--all"], () => ["dev", "prd"])).to.deep.equal({ stacks: ["dev", "prd"], datadog: false });
        expect(() => parseCostArgs(["prd", "--datdog"])).to.throw(/^unknown option --datdog\n\nusage: npm run cost/);
        expect(() => parseCostArgs([])).to.throw(/^usage: npm run cost/);
    });

    it("has an EC2 price for every instance type a fixture or example stack runs, in every priced region", async () => {
        for (const stack of ["dev", "stg", "prd", "autoscaler", "notifier"]) {
            const run = await fixtureRun(stack);
            const types = run.resources.flatMap((r) =>
                r.type === "eks:index:ManagedNodeGroup"
                    ? (r.inputs.instanceTypes as string[])
                    : r.type === "aws:autoscaling/group:Group"
                      ? (r.inputs.mixedInstancesPolicy as any).launchTemplate.overrides.map((o: { instanceType: string }) => o.instanceType)
                      : [],
            );
            for (const region of PRICED_REGIONS) {
                expect(
                    types.filter((t) => EC2_ON_DEMAND_HOUR[region][t] === undefined),
                    `${stack} in ${region}`,
                ).to.deep.equal([]);
            }
        }
    });

    it("pins each regional list price to the offer file it was read from (offline/prices.ts names them)", () => {
        expect(REGIONAL_PRICES).to.deep.equal({
            "us-east-1": { gp3GbMonth: 0.08, natGatewayHour: 0.045, natGatewayGb: 0.045, albHour: 0.0225, albLcuHour: 0.008 },
            "us-east-2": { gp3GbMonth: 0.08, natGatewayHour: 0.045, natGatewayGb: 0.045, albHour: 0.0225, albLcuHour: 0.008 },
            "eu-west-1": { gp3GbMonth: 0.088, natGatewayHour: 0.048, natGatewayGb: 0.048, albHour: 0.0252, albLcuHour: 0.008 },
            "eu-central-1": { gp3GbMonth: 0.0952, natGatewayHour: 0.052, natGatewayGb: 0.052, albHour: 0.027, albLcuHour: 0.008 },
            // Sydney's NAT gateway hour, ALB hour and LCU were found only derived or in a 2017 table: not priced.
            "ap-southeast-2": { gp3GbMonth: 0.096, natGatewayGb: 0.059 },
        });
    });
});
