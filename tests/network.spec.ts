import { expect } from "chai";
import { subnetLayout, subnetPrefixes, subnetTags } from "../components/network";
import { resourceNamed, resourcesOfType } from "../offline/program-run";
import { fixtureRun } from "./support/fixtures";

const VPC = "awsx:ec2:Vpc";

describe("Network", () => {
    it("dev: two zones and a single NAT gateway", async () => {
        const vpc = resourceNamed(await fixtureRun("dev"), VPC, "network-vpc");
        expect(vpc.inputs.availabilityZoneNames).to.deep.equal(["eu-west-1a", "eu-west-1b"]);
        expect(vpc.inputs.natGateways).to.deep.equal({ strategy: "Single" });
        expect(vpc.inputs.cidrBlock).to.equal("10.10.0.0/16");
    });

    it("prd: three zones and a NAT gateway per zone", async () => {
        const vpc = resourceNamed(await fixtureRun("prd"), VPC, "network-vpc");
        expect(vpc.inputs.availabilityZoneNames).to.deep.equal(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        expect(vpc.inputs.natGateways).to.deep.equal({ strategy: "OnePerAz" });
    });

    it("tags public subnets for internet-facing and private subnets for internal load balancers, and both for the cluster", async () => {
        const vpc = resourceNamed(await fixtureRun("stg"), VPC, "network-vpc");
        const specs = vpc.inputs.subnetSpecs as { type: string; cidrBlocks: string[]; tags: Record<string, string> }[];
        const byType = Object.fromEntries(specs.map((s) => [s.type, s]));
        expect(byType.Public.tags).to.include({ "kubernetes.io/role/elb": "1", "kubernetes.io/cluster/eks-platform-stg": "shared" });
        expect(byType.Private.tags).to.include({
            "kubernetes.io/role/internal-elb": "1",
            "kubernetes.io/cluster/eks-platform-stg": "shared",
        });
        expect(byType.Public.tags).not.to.have.property("kubernetes.io/role/internal-elb");
        expect(byType.Private.cidrBlocks).to.deep.equal(["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]);
        expect(byType.Public.cidrBlocks).to.deep.equal(["10.20.96.0/22", "10.20.100.0/22", "10.20.104.0/22"]);
    });

    it("reserves the upper half of each private subnet for VPC CNI's /28 pod prefixes", async () => {
        const run = await fixtureRun("prd");
        const reservations = resourcesOfType(run, "aws:ec2/subnetCidrReservation:SubnetCidrReservation");
        expect(reservations.map((r) => [r.inputs.subnetId, r.inputs.cidrBlock, r.inputs.reservationType])).to.deep.equal([
            ["subnet-private-network-vpc-0", "10.30.16.0/20", "prefix"],
            ["subnet-private-network-vpc-1", "10.30.48.0/20", "prefix"],
            ["subnet-private-network-vpc-2", "10.30.80.0/20", "prefix"],
        ]);
    });

    it("lays private subnets side by side, public ones after them, with no overlap, for up to 7 zones", () => {
        const layout = subnetLayout("10.30.0.0/20", 7);
        expect(layout.private[6]).to.equal("10.30.12.0/23");
        expect(layout.public[6]).to.equal("10.30.15.128/26");
        expect(subnetLayout("10.10.0.0/16", 2)).to.deep.equal({
            private: ["10.10.0.0/19", "10.10.32.0/19"],
            public: ["10.10.64.0/22", "10.10.68.0/22"],
            prefixReservations: ["10.10.16.0/20", "10.10.48.0/20"],
        });
    });

    it("protects the VPC in prd only", async () => {
        for (const stack of ["dev", "stg", "prd"]) {
            const run = await fixtureRun(stack);
            const vpc = resourceNamed(run, VPC, "network-vpc");
            expect(run.options.get(vpc.urn)!.protect, stack).to.equal(stack === "prd");
        }
    });

    it("sizes private subnets for pod IPs and fits every zone in the VPC", () => {
        expect(subnetPrefixes("10.30.0.0/16")).to.deep.equal({ private: 19, public: 22 });
        // Six zones of both kinds still fit: 6/8 + 6/64 of the range.
        const { private: priv, public: pub } = subnetPrefixes("10.30.0.0/20");
        expect(6 * 2 ** (32 - priv) + 6 * 2 ** (32 - pub)).to.be.at.most(2 ** 12);
    });

    it("tags subnets for every cluster that shares the VPC (blue/green)", () => {
        expect(subnetTags("private", ["blue", "green"])).to.deep.equal({
            "kubernetes.io/role/internal-elb": "1",
            "kubernetes.io/cluster/blue": "shared",
            "kubernetes.io/cluster/green": "shared",
        });
    });
});
