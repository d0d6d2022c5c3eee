/**
 * The stack configuration: one schema for everything a stack file sets, one loader.
 *
 * Only this module reads `pulumi.Config`. It validates every key before a single resource is
 * registered and reports all problems at once, each naming the stack, the key, the bad value
 * and what is expected.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cidrsOverlap, isPrivateRange, parseCidr } from "./cidr";
import { QUANTITY_EXPECTATION, QuantityKind, parseQuantity } from "./quantity";

export const PROJECT = "eks-platform";

export const STAGES = ["dev", "stg", "prd"] as const;
export type Stage = (typeof STAGES)[number];

/** Minimum availability zones per stage: prd survives the loss of a zone with quorum to spare. */
export const MIN_AVAILABILITY_ZONES: Record<Stage, number> = { dev: 2, stg: 2, prd: 3 };

/**
 * Kubernetes minors this platform is tested against (EKS standard or extended support).
 * Adding one means checking every addon pin against it; a test enforces the autoscaler's.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34", "1.35"] as const;

/** The control-plane logs every cluster ships to CloudWatch, whatever the stack adds. */
export const REQUIRED_CLUSTER_LOG_TYPES = ["api", "audit", "authenticator"] as const;
const CLUSTER_LOG_TYPES = [...REQUIRED_CLUSTER_LOG_TYPES, "controllerManager", "scheduler"] as const;

// ---------------------------------------------------------------------------------------------
// Field schemas. Every constraint carries the sentence a user sees when it fails.
// ---------------------------------------------------------------------------------------------

const dnsLabel = (what: string) =>
    z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
        error: `expected ${what}: lowercase letters, digits and '-', at most 63 characters, starting and ending alphanumeric`,
    });

const cidrBlock = z.string().refine((v) => parseCidr(v) !== undefined, {
    error: "expected an IPv4 network in CIDR notation with no host bits set, such as 10.0.0.0/16",
    // Range rules chained after this one would only repeat the problem.
    abort: true,
});

const quantity = (kind: QuantityKind) =>
    z.string({ error: `expected ${QUANTITY_EXPECTATION[kind]}, as a quoted string` })
        .refine((v) => parseQuantity(v, kind) !== undefined, { error: `expected ${QUANTITY_EXPECTATION[kind]}` });

const resourceList = z.strictObject({ cpu: quantity("cpu"), memory: quantity("memory") });

/** Requests and limits of one container. Limits are required so the CPU and memory monitors can compare usage with them. */
const containerResources = z.strictObject({ requests: resourceList, limits: resourceList });

const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, {
    error: "expected an IAM role ARN such as arn:aws:iam::111122223333:role/platform-admin",
});

const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, {
    error: "expected a Kubernetes label key such as role or example.com/role",
});
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, {
    error: "expected a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.'",
});

// ---------------------------------------------------------------------------------------------
// Sections: one per stack-file key.
// ---------------------------------------------------------------------------------------------

const networkSchema = z.strictObject({
    /** The VPC's address range. Private subnets hold one IP per pod (VPC CNI), so it is large. */
    cidr: cidrBlock.refine((v) => { const p = parseCidr(v)?.prefix ?? 0; return p >= 16 && p <= 20; }, {
        error: "expected a VPC range from /16 to /20: every pod takes an IP of a private subnet",
    }),
    /** Availability zones of the region, one public and one private subnet in each. */
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, {
        error: "expected an availability zone name such as eu-west-1a",
    })).refine((azs) => new Set(azs).size === azs.length, { error: "expected each availability zone once" }),
    /** `single`: one NAT gateway (cheap, one zone's outage cuts egress); `onePerAz`: one per zone. */
    natGateways: z.enum(["single", "onePerAz"], { error: 'expected "single" or "onePerAz"' }),
});

const nodeGroupSchema = z.strictObject({
    /** `managed`: an EKS managed node group; `self-managed`: an Auto Scaling group the platform owns. */
    kind: z.enum(["managed", "self-managed"], { error: 'expected "managed" or "self-managed"' }).default("managed"),
    instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
        error: "expected an EC2 instance type such as m6i.large",
    })).min(1, { error: "expected at least one EC2 instance type" }),
    capacityType: z.enum(["ON_DEMAND", "SPOT"], { error: 'expected "ON_DEMAND" or "SPOT"' }).default("ON_DEMAND"),
    minSize: z.int({ error: "expected a whole number >= 0" }).min(0, { error: "expected a whole number >= 0" }),
    desiredSize: z.int({ error: "expected a whole number >= 0" }).min(0, { error: "expected a whole number >= 0" }),
    maxSize: z.int({ error: "expected a whole number >= 1" }).min(1, { error: "expected a whole number >= 1" }),
    diskSizeGiB: z.int({ error: "expected a whole number of GiB from 20 to 16384" })
        .min(20, { error: "expected a whole number of GiB from 20 to 16384" })
        .max(16384, { error: "expected a whole number of GiB from 20 to 16384" }).default(50),
    labels: z.record(labelKey, labelValue).default({}),
    taints: z.array(z.strictObject({
        key: labelKey,
        value: labelValue.optional(),
        effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
            error: 'expected "NoSchedule", "PreferNoSchedule" or "NoExecute"',
        }),
    })).default([]),
    /**
     * IMDSv2 hop limit. 1 keeps pods (one hop further) away from the node's credentials;
     * 2 only for node groups whose pods must read instance metadata.
     */
    imdsHopLimit: z.union([z.literal(1), z.literal(2)], { error: "expected 1 or 2" }).default(1),
}).superRefine((group, ctx) => {
    if (group.minSize > group.desiredSize) {
        ctx.addIssue({
            code: "custom", path: ["minSize"], input: group.minSize,
            message: `expected minSize <= desiredSize (${group.desiredSize})`,
        });
    }
    if (group.desiredSize > group.maxSize) {
        ctx.addIssue({
            code: "custom", path: ["desiredSize"], input: group.desiredSize,
            message: `expected desiredSize <= maxSize (${group.maxSize})`,
        });
    }
});

const kubernetesVersion = z.string({
    error: 'expected a quoted string "1.NN" (unquoted, YAML reads 1.30 as the number 1.3)',
}).regex(/^1\.\d{1,2}$/, { error: 'expected a Kubernetes minor version "1.NN", such as "1.34"', abort: true })
    .refine((v) => (SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(v), {
        error: `expected a supported Kubernetes version: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`,
    });

const clusterSchema = z.strictObject({
    /** The EKS cluster's name; defaults to `eks-platform-<stage>`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, {
        error: "expected an EKS cluster name: letters, digits, '-' and '_', at most 100 characters",
    }).optional(),
    kubernetesVersion,
    /** Service IPs; must not overlap the VPC. */
    serviceCidr: cidrBlock
        .refine((v) => { const r = parseCidr(v); return !r || isPrivateRange(r); }, {
            error: "expected a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
        })
        .refine((v) => { const p = parseCidr(v)?.prefix ?? 16; return p >= 12 && p <= 24; }, {
            error: "expected a prefix from /12 to /24",
        }),
    endpoint: z.strictObject({
        /** Whether the API server is reachable from the internet at all. The private endpoint is always on. */
        publicAccess: z.boolean({ error: "expected true or false" }),
        /** Who may reach the public endpoint. Required when publicAccess is true. */
        publicAccessCidrs: z.array(cidrBlock).default([]),
    }),
    /** IAM roles granted cluster admin through EKS access entries. */
    adminRoleArns: z.array(iamRoleArn).default([]),
    /** Control-plane log types; api, audit and authenticator are always on. */
    logTypes: z.array(z.enum(CLUSTER_LOG_TYPES, {
        error: `expected one of ${CLUSTER_LOG_TYPES.join(", ")}`,
    })).default([...REQUIRED_CLUSTER_LOG_TYPES]),
    /** Run every pod on Fargate: no node groups, no cluster-autoscaler, no node termination handler. */
    fargateOnly: z.boolean({ error: "expected true or false" }).default(false),
    nodeGroups: z.record(dnsLabel("a node group name"), nodeGroupSchema).default({}),
}).superRefine((cluster, ctx) => {
    const groups = Object.keys(cluster.nodeGroups).length;
    if (cluster.fargateOnly && groups > 0) {
        ctx.addIssue({
            code: "custom", path: ["nodeGroups"], input: Object.keys(cluster.nodeGroups),
            message: "expected no node groups when fargateOnly is true",
        });
    }
    if (!cluster.fargateOnly && groups === 0) {
        ctx.addIssue({
            code: "custom", path: ["nodeGroups"], input: {},
            message: "expected at least one node group (or fargateOnly: true)",
        });
    }
    if (cluster.endpoint.publicAccess && cluster.endpoint.publicAccessCidrs.length === 0) {
        ctx.addIssue({
            code: "custom", path: ["endpoint", "publicAccessCidrs"], input: [],
            message: "expected at least one CIDR allowed to reach the public endpoint (or publicAccess: false)",
        });
    }
    if (!cluster.endpoint.publicAccess && cluster.endpoint.publicAccessCidrs.length > 0) {
        ctx.addIssue({
            code: "custom", path: ["endpoint", "publicAccessCidrs"], input: cluster.endpoint.publicAccessCidrs,
            message: "expected no CIDRs when publicAccess is false (the endpoint is private only)",
        });
    }
    const missingLogs = REQUIRED_CLUSTER_LOG_TYPES.filter((t) => !cluster.logTypes.includes(t));
    if (missingLogs.length > 0) {
        ctx.addIssue({
            code: "custom", path: ["logTypes"], input: cluster.logTypes,
            message: `expected the list to include ${REQUIRED_CLUSTER_LOG_TYPES.join(", ")}`,
        });
    }
});

const rdsSchema = z.strictObject({
    host: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
        error: "expected a DNS host name such as app.abc123.eu-west-1.rds.amazonaws.com",
    }),
    port: z.int({ error: "expected a TCP port from 1 to 65535" })
        .min(1, { error: "expected a TCP port from 1 to 65535" })
        .max(65535, { error: "expected a TCP port from 1 to 65535" }).default(5432),
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, { error: "expected a database name" }),
    user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, { error: "expected a database user name" }),
});

const appSchema = z.strictObject({
    /** The app's namespace; defaults to the app's name. */
    namespace: dnsLabel("a namespace name").optional(),
    /** Requests and limits of the app container, per stage. */
    resources: containerResources,
    /** Connection values for the app's RDS database; the password is the secret `<app>DbPassword`. */
    rds: rdsSchema,
}).superRefine((app, ctx) => {
    for (const kind of ["cpu", "memory"] as const) {
        const request = parseQuantity(app.resources.requests[kind], kind)!;
        const limit = parseQuantity(app.resources.limits[kind], kind)!;
        if (request > limit) {
            ctx.addIssue({
                code: "custom", path: ["resources", "requests", kind], input: app.resources.requests[kind],
                message: `expected a ${kind} request <= its limit (${app.resources.limits[kind]})`,
            });
        }
    }
});

/** Every `eks-platform:` key a stack file may set, with its schema. */
const SECTIONS = {
    stage: z.enum(STAGES, { error: `expected one of ${STAGES.join(", ")}` }),
    network: networkSchema,
    cluster: clusterSchema,
    apps: z.record(dnsLabel("an app name"), appSchema).default({}),
} as const;
type SectionName = keyof typeof SECTIONS;
type Sections = { [K in SectionName]: z.output<(typeof SECTIONS)[K]> };

/** Keys whose values are structured (objects in the stack file, JSON strings to the program). */
const STRUCTURED: ReadonlySet<SectionName> = new Set<SectionName>(["network", "cluster", "apps"]);

export type NetworkConfig = Sections["network"];
export type ClusterConfig = Sections["cluster"] & { name: string };
export type NodeGroupConfig = ClusterConfig["nodeGroups"][string];
export type ContainerResources = z.output<typeof containerResources>;

export interface AppConfig extends Omit<z.output<typeof appSchema>, "namespace"> {
    readonly name: string;
    readonly namespace: string;
    /** The database password, from the secret config key named by `dbPasswordKey`. */
    readonly dbPassword: pulumi.Output<string>;
}

/** The validated configuration of one stack. */
export interface PlatformConfig {
    readonly stack: string;
    readonly stage: Stage;
    readonly region: string;
    readonly network: NetworkConfig;
    readonly cluster: ClusterConfig;
    readonly apps: Record<string, AppConfig>;
    /** Tags every AWS resource carries. */
    readonly tags: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/** The secret config key holding an app's database password: app `checkout-api` -> `eks-platform:checkoutApiDbPassword`. */
export function dbPasswordKey(app: string): string {
    const camel = app.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    return `${PROJECT}:${camel}DbPassword`;
}

export interface RequiredSecret {
    readonly key: string;
    readonly purpose: string;
}

/** A structured value's top-level object, or {} when it does not parse (the schema reports that). */
function parseObjectLeniently(text: string | undefined): Record<string, unknown> {
    try {
        const value = text === undefined ? {} : JSON.parse(text);
        return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch {
        return {};
    }
}

/**
 * The secrets a stack needs, derived from its raw config, so the offline render can stand in for
 * them and the loader can say which command sets a missing one.
 */
export function requiredSecrets(values: Readonly<Record<string, string | undefined>>): RequiredSecret[] {
    const apps = parseObjectLeniently(values[`${PROJECT}:apps`]);
    return Object.keys(apps).map((app) => ({ key: dbPasswordKey(app), purpose: `database password of app "${app}"` }));
}

// ---------------------------------------------------------------------------------------------
// Problems and their message
// ---------------------------------------------------------------------------------------------

export interface ConfigProblem {
    /** Full config key with the path inside it: `eks-platform:cluster.nodeGroups.general.minSize`. */
    readonly key: string;
    /** The offending value as the user wrote it; `undefined` when the key is missing. */
    readonly value: unknown;
    /** What is expected instead. */
    readonly expected: string;
}

/** Thrown before any resource is registered; the message lists every problem of the stack. */
export class StackConfigError extends pulumi.RunError {
    constructor(readonly stack: string, readonly problems: readonly ConfigProblem[]) {
        super(formatProblems(stack, problems));
        this.name = "StackConfigError";
    }
}

/** Marks a value that must never be printed. */
const REDACTED = Symbol("redacted");

function describeValue(value: unknown): string {
    if (value === REDACTED) {
        return "(set in plain text, not shown)";
    }
    return value === undefined ? "(not set)" : JSON.stringify(value);
}

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
    const count = problems.length === 1 ? "1 configuration problem" : `${problems.length} configuration problems`;
    const lines = problems.map((p) => `  - [${stack}] ${p.key} = ${describeValue(p.value)}: ${p.expected}`);
    return [`Stack "${stack}" has ${count}; nothing was created:`, ...lines].join("\n");
}

function joinPath(key: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, part) => `${acc}.${String(part)}`, key);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((node, part) =>
        node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[part] : undefined, root);
}

/** Turns zod's issues into problems phrased as "key = value: expected ...". */
function problemsFromIssues(key: string, root: unknown, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
    return issues.flatMap((issue): ConfigProblem[] => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((unknownKey) => ({
                key: joinPath(key, [...issue.path, unknownKey]),
                value: valueAt(root, [...issue.path, unknownKey]),
                expected: "unknown key: remove it or check its spelling against the README",
            }));
        }
        const value = "input" in issue ? issue.input : valueAt(root, issue.path);
        let expected = issue.message;
        if (issue.code === "invalid_type" && value === undefined) {
            expected = `is required: ${issue.message.startsWith("expected") ? issue.message : `expected ${issue.expected}`}`;
        } else if (!expected.startsWith("expected") && !expected.startsWith("is ")) {
            expected = `expected ${issue.code === "invalid_type" ? issue.expected : "a valid value"} (${issue.message})`;
        }
        return [{ key: joinPath(key, issue.path), value, expected }];
    });
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** The raw config of a stack, as the Pulumi engine hands it to the program. */
export interface RawStackConfig {
    /** Full key (`eks-platform:cluster`, `aws:region`) -> raw string; structured values are JSON. */
    readonly values: Readonly<Record<string, string | undefined>>;
    /** Full keys whose values are secrets. */
    readonly secretKeys: ReadonlySet<string>;
}

/**
 * Validates a stack's raw config. Pure: the same input always gives the same config or the same
 * error, so every rule is tested without the Pulumi engine.
 */
export function parseStackConfig(stack: string, raw: RawStackConfig): PlatformConfig {
    const problems: ConfigProblem[] = [];
    const sections: Partial<Sections> = {};
    const inputs: Partial<Record<SectionName, unknown>> = {};

    for (const name of Object.keys(SECTIONS) as SectionName[]) {
        const key = `${PROJECT}:${name}`;
        const text = raw.values[key];
        let input: unknown = text;
        if (text !== undefined && STRUCTURED.has(name)) {
            try {
                input = JSON.parse(text);
            } catch {
                problems.push({ key, value: text, expected: `expected an object, set as a YAML map under ${key} in Pulumi.${stack}.yaml` });
                continue;
            }
        }
        inputs[name] = input;
        const result = SECTIONS[name].safeParse(input, { reportInput: true });
        if (result.success) {
            (sections as Record<string, unknown>)[name] = result.data;
        } else {
            problems.push(...problemsFromIssues(key, input, result.error.issues));
        }
    }

    const region = raw.values["aws:region"];
    if (region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
        problems.push({ key: "aws:region", value: region, expected: "expected an AWS region such as eu-west-1" });
    }

    problems.push(...crossSectionProblems(inputs, region));
    problems.push(...unknownKeyProblems(raw));

    const dbPasswords: Record<string, pulumi.Output<string>> = {};
    for (const [app] of Object.entries(sections.apps ?? {})) {
        const secret = readSecret(raw, dbPasswordKey(app), problems);
        if (secret) {
            dbPasswords[app] = secret;
        }
    }

    if (problems.length > 0) {
        throw new StackConfigError(stack, problems);
    }
    const { stage, network, cluster, apps } = sections as Sections;
    return {
        stack,
        stage,
        region: region!,
        network,
        cluster: { ...cluster, name: cluster.name ?? `${PROJECT}-${stage}` },
        apps: Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, {
            ...app, name, namespace: app.namespace ?? name, dbPassword: dbPasswords[name],
        }])),
        tags: { Project: PROJECT, Stage: stage, Stack: stack, ManagedBy: "pulumi" },
    };
}

/** A value when it passes `schema`, else undefined: cross-section rules check what they can. */
function validOrUndefined<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
}

/**
 * Rules that relate sections to each other or to the stage. They read each field they need on
 * its own, so a problem elsewhere in a section does not hide theirs.
 */
function crossSectionProblems(inputs: Partial<Record<SectionName, unknown>>, region: string | undefined): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const stage = validOrUndefined(SECTIONS.stage, inputs.stage);
    const network = (inputs.network ?? {}) as Record<string, any>;
    const cluster = (inputs.cluster ?? {}) as Record<string, any>;
    const azs = validOrUndefined(z.array(z.string()), network.availabilityZones);
    const vpcCidr = validOrUndefined(cidrBlock, network.cidr);
    const serviceCidr = validOrUndefined(cidrBlock, cluster.serviceCidr);
    const endpointCidrs = validOrUndefined(z.array(cidrBlock), cluster.endpoint?.publicAccessCidrs);

    if (azs) {
        const azKey = `${PROJECT}:network.availabilityZones`;
        const minimum = MIN_AVAILABILITY_ZONES[stage ?? "dev"];
        if (azs.length < minimum) {
            problems.push({
                key: azKey, value: azs,
                expected: `expected at least ${minimum} availability zones${stage === "prd" ? " in prd" : ""}`,
            });
        }
        const foreign = region ? azs.filter((az) => !az.startsWith(region)) : [];
        if (foreign.length > 0) {
            problems.push({ key: azKey, value: foreign, expected: `expected zones of aws:region ${region}` });
        }
    }

    if (vpcCidr && serviceCidr && cidrsOverlap(parseCidr(vpcCidr)!, parseCidr(serviceCidr)!)) {
        problems.push({
            key: `${PROJECT}:cluster.serviceCidr`, value: serviceCidr,
            expected: `expected a range that does not overlap the VPC (network.cidr ${vpcCidr})`,
        });
    }

    if (stage === "prd" && endpointCidrs?.some((c) => parseCidr(c)!.prefix === 0)) {
        problems.push({
            key: `${PROJECT}:cluster.endpoint.publicAccessCidrs`, value: endpointCidrs,
            expected: "expected specific CIDRs: the prd API endpoint is never open to 0.0.0.0/0",
        });
    }

    const apps = validOrUndefined(z.record(z.string(), z.looseObject({ namespace: z.string().optional() })), inputs.apps);
    const owners = new Map<string, string>();
    for (const [name, app] of Object.entries(apps ?? {})) {
        const namespace = app.namespace ?? name;
        const owner = owners.get(namespace);
        if (owner) {
            problems.push({
                key: `${PROJECT}:apps.${name}.namespace`, value: namespace,
                expected: `expected a namespace of its own (app "${owner}" already uses it)`,
            });
        }
        owners.set(namespace, name);
    }
    return problems;
}

/** Catches typos in top-level keys (`eks-platform:clsuter`), which Pulumi would silently ignore. */
function unknownKeyProblems(raw: RawStackConfig): ConfigProblem[] {
    const known = new Set([
        ...Object.keys(SECTIONS).map((s) => `${PROJECT}:${s}`),
        ...requiredSecrets(raw.values).map((s) => s.key),
    ]);
    return Object.keys(raw.values)
        .filter((key) => key.startsWith(`${PROJECT}:`) && !known.has(key))
        .map((key) => ({
            key,
            value: raw.secretKeys.has(key) ? "[secret]" : parseForDisplay(raw.values[key]),
            expected: `unknown key: expected one of ${[...known].join(", ")}`,
        }));
}

function parseForDisplay(text: string | undefined): unknown {
    try {
        return text === undefined ? undefined : JSON.parse(text);
    } catch {
        return text;
    }
}

function readSecret(raw: RawStackConfig, key: string, problems: ConfigProblem[]): pulumi.Output<string> | undefined {
    const value = raw.values[key];
    if (value === undefined || value === "") {
        problems.push({ key, value: undefined, expected: `is required: run \`pulumi config set --secret ${key} <value>\`` });
        return undefined;
    }
    if (!raw.secretKeys.has(key)) {
        problems.push({
            key, value: REDACTED,
            expected: `expected a secret: run \`pulumi config set --secret ${key} <value>\` to encrypt it`,
        });
        return undefined;
    }
    return pulumi.secret(value);
}

// ---------------------------------------------------------------------------------------------
// Loader
// ---------------------------------------------------------------------------------------------

// Pulumi's own check for secret config keys; internal to the SDK, so typed here once.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** Reads and validates the current stack's config. Throws StackConfigError listing every problem. */
export function loadStackConfig(): PlatformConfig {
    const values = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(values).filter((key) => isConfigSecret(key)));
    return parseStackConfig(pulumi.getStack(), { values, secretKeys });
}
