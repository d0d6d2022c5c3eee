import { z } from "zod";
import { parseCidr } from "../cidr";
import { cidrBlock } from "./fields";

export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
export const AVAILABILITY_ZONE = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;

/** `eks-platform:network`: the VPC. */
export const networkSchema = z.strictObject({
    cidr: cidrBlock.refine((v) => { const p = parseCidr(v)?.prefix ?? 0; return p >= 16 && p <= 20; }, {
        error: "expected a VPC range from /16 to /20: every pod takes an IP of a private subnet",
    }).describe("The VPC's range, /16 to /20: private subnets get 1/8 of it each (every pod takes an IP; half of each is reserved for /28 pod prefixes), public ones 1/64."),
    availabilityZones: z.array(z.string().regex(AVAILABILITY_ZONE, {
        error: "expected an availability zone name such as eu-west-1a",
    })).refine((azs) => new Set(azs).size === azs.length, { error: "expected each availability zone once" })
        // Each private subnet takes 1/8 of the range and each public one 1/64 (components/network.ts).
        .refine((azs) => azs.length <= 7, { error: "expected at most 7 availability zones: each zone's private subnet takes 1/8 of the VPC range" }).describe("Zones of aws:region that it has (`eu-west-1d` is refused: eu-west-1 has a, b, c; `stacks/availability-zones.ts`, from AWS's Availability Zones page; which zones your account sees only it can tell), one public and one private subnet in each: at least 2, at least 3 in prd, at most 7."),
    natGateways: z.enum(["single", "onePerAz"], { error: 'expected "single" or "onePerAz"' }).describe("`single`: one NAT gateway (cheap, one zone's outage cuts egress); `onePerAz`: one per zone."),
});
