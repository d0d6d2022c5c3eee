import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { formatCidr, parseCidr } from "../stacks/cidr";

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

export interface SubnetLayout {
    /** Per zone, in the zones' order. */
    readonly private: string[];
    readonly public: string[];
    /**
     * Per private subnet, its upper half reserved for /28 prefixes (a `prefix` subnet CIDR
     * reservation): VPC CNI prefix delegation needs contiguous free /28 blocks, which scattered
     * secondary IPs would otherwise fragment (EKS user guide, cni-increase-ip-addresses-procedure:
     * "We recommend ... using a subnet CIDR reservation").
     */
    readonly prefixReservations: string[];
}

/**
 * The subnets of each zone, computed rather than left to the VPC component, so their prefix
 * reservations are known: the private subnets side by side from the start of the range, the
 * public ones after them (up to 7 zones fit: 7/8 + 7/64 of the range).
 */
export function subnetLayout(vpcCidr: string, zones: number): SubnetLayout {
    const vpc = parseCidr(vpcCidr)!;
    const prefixes = subnetPrefixes(vpcCidr);
    const size = (prefix: number) => 2 ** (32 - prefix);
    const privateSize = size(prefixes.private);
    const publicBase = vpc.start + zones * privateSize;
    const indexes = Array.from({ length: zones }, (_, i) => i);
    return {
        private: indexes.map((i) => formatCidr(vpc.start + i * privateSize, prefixes.private)),
        public: indexes.map((i) => formatCidr(publicBase + i * size(prefixes.public), prefixes.public)),
        prefixReservations: indexes.map((i) => formatCidr(vpc.start + i * privateSize + privateSize / 2, prefixes.private + 1)),
    };
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

        const layout = subnetLayout(args.cidr, args.availabilityZones.length);
        const vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidr,
                availabilityZoneNames: args.availabilityZones,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                subnetStrategy: "Auto",
                subnetSpecs: [
                    { type: "Private", cidrBlocks: layout.private, tags: { ...args.tags, ...subnetTags("private", args.clusterNames) } },
                    { type: "Public", cidrBlocks: layout.public, tags: { ...args.tags, ...subnetTags("public", args.clusterNames) } },
                ],
                natGateways: { strategy: args.natGateways === "single" ? "Single" : "OnePerAz" },
                tags: { ...args.tags, Name: name },
            },
            { parent: this, protect: args.protect },
        );

        // The component lists private subnets in the zones' order, as the layout does.
        layout.prefixReservations.forEach(
            (cidrBlock, i) =>
                new aws.ec2.SubnetCidrReservation(
                    `${name}-pod-prefixes-${i}`,
                    {
                        subnetId: vpc.privateSubnetIds.apply((ids) => ids[i]),
                        cidrBlock,
                        reservationType: "prefix",
                        description: "VPC CNI /28 prefixes for pods",
                    },
                    { parent: this, protect: args.protect },
                ),
        );

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
