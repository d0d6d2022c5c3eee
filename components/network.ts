import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../stacks/cidr";

export interface NetworkArgs {
    /** The VPC's IPv4 range, /16 to /20. */
    cidr: string;
    /** Availability zones, one public and one private subnet in each. */
    availabilityZones: string[];
    /** `single`: one NAT gateway for the VPC; `onePerAz`: one per zone, so a zone outage does not cut egress. */
    natGateways: "single" | "onePerAz";
    /** EKS clusters that share the VPC: their subnets are tagged for discovery (blue/green uses two). */
    clusterNames: string[];
    /** Protects the VPC and its children from deletion (prd). */
    protect?: boolean;
    /** Tags on every resource. */
    tags: Record<string, string>;
}

/**
 * Subnet sizes for a VPC prefix. Private subnets are large because the VPC CNI gives every pod
 * an address of its node's subnet; public subnets only hold load balancers and NAT gateways.
 */
export function subnetPrefixes(vpcCidr: string): { private: number; public: number } {
    const vpcPrefix = parseCidr(vpcCidr)!.prefix;
    return { private: vpcPrefix + 3, public: vpcPrefix + 6 };
}

/** Tags the AWS Load Balancer Controller and EKS use to find subnets. */
export function subnetTags(kind: "public" | "private", clusterNames: string[]): Record<string, string> {
    const role = kind === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb";
    return {
        [role]: "1",
        ...Object.fromEntries(clusterNames.map((cluster) => [`kubernetes.io/cluster/${cluster}`, "shared"])),
    };
}

/**
 * The stage's VPC: public subnets for load balancers and NAT, private subnets for nodes and pods.
 * It lives outside the cluster so a cluster can be replaced without touching the network.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:network:Network", name, {}, opts);

        const prefixes = subnetPrefixes(args.cidr);
        const vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.cidr,
            availabilityZoneNames: args.availabilityZones,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            subnetStrategy: "Auto",
            subnetSpecs: [
                { type: "Private", cidrMask: prefixes.private, tags: { ...args.tags, ...subnetTags("private", args.clusterNames) } },
                { type: "Public", cidrMask: prefixes.public, tags: { ...args.tags, ...subnetTags("public", args.clusterNames) } },
            ],
            natGateways: { strategy: args.natGateways === "single" ? "Single" : "OnePerAz" },
            tags: { ...args.tags, Name: name },
        }, { parent: this, protect: args.protect });

        this.vpcId = vpc.vpcId;
        this.privateSubnetIds = vpc.privateSubnetIds;
        this.publicSubnetIds = vpc.publicSubnetIds;
        this.registerOutputs({
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
        });
    }
}
