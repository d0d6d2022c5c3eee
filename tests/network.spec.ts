import { expect } from "chai";
import { subnetPrefixes, subnetTags } from "../components/network";
import { resourceNamed, stackRun } from "./support/program-run";

const VPC = "awsx:ec2:Vpc";

describe("Network", () => {
    it("dev: two zones and a single NAT gateway", async () => {
        const vpc = resourceNamed(await stackRun("dev"), VPC, "network-vpc");
        expect(vpc.inputs.availabilityZoneNames).to.deep.equal(["eu-west-1a", "eu-west-1b"]);
        expect(vpc.inputs.natGateways).to.deep.equal({ strategy: "Single" });
        expect(vpc.inputs.cidrBlock).to.equal("10.10.0.0/16");
    });

    it("prd: three zones and a NAT gateway per zone", async () => {
        const vpc = resourceNamed(await stackRun("prd"), VPC, "network-vpc");
        expect(vpc.inputs.availabilityZoneNames).to.deep.equal(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        expect(vpc.inputs.natGateways).to.deep.equal({ strategy: "OnePerAz" });
    });

    it("tags public subnets for internet-facing and private subnets for internal load balancers, and both for the cluster", async () => {
        const vpc = resourceNamed(await stackRun("stg"), VPC, "network-vpc");
        const specs = vpc.inputs.subnetSpecs as { type: string; cidrMask: number; tags: Record<string, string> }[];
        const byType = Object.fromEntries(specs.map((s) => [s.type, s]));
        expect(byType.Public.tags).to.include({ "kubernetes.io/role/elb": "1", "kubernetes.io/cluster/eks-platform-stg": "shared" });
        expect(byType.Private.tags).to.include({ "kubernetes.io/role/internal-elb": "1", "kubernetes.io/cluster/eks-platform-stg": "shared" });
        expect(byType.Public.tags).not.to.have.property("kubernetes.io/role/internal-elb");
        expect(byType.Private.cidrMask).to.be.lessThan(byType.Public.cidrMask);
    });

    it("protects the VPC in prd only", async () => {
        for (const stack of ["dev", "stg", "prd"]) {
            const run = await stackRun(stack);
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
