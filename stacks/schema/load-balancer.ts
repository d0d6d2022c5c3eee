import { z } from "zod";
import { cidrBlock } from "./fields";

/**
 * TLS policies that negotiate TLS 1.3 and nothing older than 1.2
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html).
 */
export const MODERN_TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
] as const;

/** `eks-platform:loadBalancer`: the internet-facing ALB in front of the apps. */
export const loadBalancerSchema = z.strictObject({
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
        error: "expected an ACM certificate ARN such as arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-...",
    }).optional().describe("ACM certificate of the HTTPS listener; required in stg and prd (without it: HTTP only, dev). In aws:region (an ALB takes certificates of its own region; `us-east-1` is CloudFront's) and in the account of ci.deployRoleArn."),
    sslPolicy: z.enum(MODERN_TLS_POLICIES, { error: `expected a TLS 1.3 policy: ${MODERN_TLS_POLICIES.join(", ")}` })
        .default("ELBSecurityPolicy-TLS13-1-2-2021-06").describe("The HTTPS listener's TLS policy: one that negotiates TLS 1.3 and nothing older than 1.2."),
    allowedCidrs: z.array(cidrBlock).min(1, { error: "expected at least one CIDR" }).default(["0.0.0.0/0"]).describe("Who may reach the ALB."),
    accessLogs: z.boolean({ error: "expected true or false" }).optional().describe("Access logs to an encrypted bucket; cannot be off in prd. Default: on in prd, else off."),
    accessLogRetentionDays: z.int({ error: "expected whole days >= 1" }).min(1, { error: "expected whole days >= 1" }).default(90).describe("Days access logs are kept."),
    deletionProtection: z.boolean({ error: "expected true or false" }).optional().describe("Deletion protection; cannot be off in prd. Default: on in prd, else off."),
    idleTimeoutSeconds: z.int({ error: "expected whole seconds from 1 to 4000" })
        .min(1, { error: "expected whole seconds from 1 to 4000" })
        .max(4000, { error: "expected whole seconds from 1 to 4000" }).default(60).describe("Seconds a connection may be idle; the ALB ends slower requests."),
}).prefault({}).describe("The internet-facing ALB in front of the apps.");
