/** Field schemas shared by the config sections. Every constraint carries the sentence a user sees when it fails. */
import { z } from "zod";
import { parseCidr } from "../cidr";
import { QUANTITY_EXPECTATION, QuantityKind, parseQuantity } from "../quantity";

export const dnsLabel = (what: string) =>
    z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
        error: `expected ${what}: lowercase letters, digits and '-', at most 63 characters, starting and ending alphanumeric`,
    });

export const cidrBlock = z.string().refine((v) => parseCidr(v) !== undefined, {
    error: "expected an IPv4 network in CIDR notation with no host bits set, such as 10.0.0.0/16",
    // Range rules chained after this one would only repeat the problem.
    abort: true,
});

export const quantity = (kind: QuantityKind) =>
    z.string({ error: `expected ${QUANTITY_EXPECTATION[kind]}, as a quoted string` })
        .refine((v) => parseQuantity(v, kind) !== undefined, { error: `expected ${QUANTITY_EXPECTATION[kind]}` });

export const resourceList = z.strictObject({ cpu: quantity("cpu"), memory: quantity("memory") });

/** Requests and limits of one container. Limits are required so the CPU and memory monitors can compare usage with them. */
export const containerResources = z.strictObject({ requests: resourceList, limits: resourceList });

export const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, {
    error: "expected an IAM role ARN such as arn:aws:iam::111122223333:role/platform-admin",
});

export const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, {
    error: "expected a Kubernetes label key such as role or example.com/role",
});
export const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, {
    error: "expected a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.'",
});

export type ContainerResources = z.output<typeof containerResources>;
