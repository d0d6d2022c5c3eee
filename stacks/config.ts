/**
 * The stack configuration: one schema for everything a stack file sets, one loader.
 *
 * Only this module reads `pulumi.Config`. It validates every key before a single resource is
 * registered and reports all problems at once, each naming the stack, the key, the bad value
 * and what is expected.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cidrsOverlap, parseCidr } from "./cidr";
import { AddonsConfig, addonsSchema, datadogSiteSchema, resolveAddons } from "./schema/addons";
import { appSchema, appsSchema } from "./schema/apps";
import { clusterSchema } from "./schema/cluster";
import { cidrBlock, ContainerResources } from "./schema/fields";
import { loadBalancerSchema } from "./schema/load-balancer";
import { MonitoringInput, monitoringSchema } from "./schema/monitoring";
import { AVAILABILITY_ZONE, networkSchema } from "./schema/network";
import { MIN_AVAILABILITY_ZONES, PROJECT, Stage, STAGES } from "./schema/stage";

export { AddonsConfig, ContainerResources, PROJECT, Stage, STAGES };
export { REQUIRED_CLUSTER_LOG_TYPES, SUPPORTED_KUBERNETES_VERSIONS } from "./schema/cluster";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Every `eks-platform:` key a stack file may set, with its schema. */
const SECTIONS = {
    stage: z.enum(STAGES, { error: `expected one of ${STAGES.join(", ")}` }),
    network: networkSchema,
    cluster: clusterSchema,
    apps: appsSchema,
    addons: addonsSchema,
    loadBalancer: loadBalancerSchema,
    monitoring: monitoringSchema,
    /** A simple key, so Pulumi.yaml can give it a project-wide default. */
    datadogSite: datadogSiteSchema,
} as const;
type SectionName = keyof typeof SECTIONS;
type Sections = { [K in SectionName]: z.output<(typeof SECTIONS)[K]> };

/** Keys whose values are structured (objects in the stack file, JSON strings to the program). */
const STRUCTURED: ReadonlySet<SectionName> = new Set<SectionName>(["network", "cluster", "apps", "addons", "loadBalancer", "monitoring"]);

export type NetworkConfig = Sections["network"];
export type ClusterConfig = Sections["cluster"] & { name: string };
export type NodeGroupConfig = ClusterConfig["nodeGroups"][string];
/** The ALB, with the stage's defaults for access logs and deletion protection decided. */
export type LoadBalancerConfig = Sections["loadBalancer"] & { readonly accessLogs: boolean; readonly deletionProtection: boolean };

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
    readonly loadBalancer: LoadBalancerConfig;
    /** Every addon with `enabled` decided. */
    readonly addons: AddonsConfig;
    readonly monitoring: MonitoringInput & {
        /** The incoming webhook for Lambda delivery (`eks-platform:slackWebhookUrl`), a secret. */
        readonly slackWebhookUrl?: pulumi.Output<string>;
    };
    readonly datadog: {
        /** The Datadog site, e.g. datadoghq.eu. */
        readonly site: string;
        /** The Datadog API key (`datadog:apiKey`), for the agent and the provider. */
        readonly apiKey: pulumi.Output<string>;
        /** The Datadog application key (`datadog:appKey`), for the provider. */
        readonly appKey: pulumi.Output<string>;
    };
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

/** The Datadog provider's own config keys; the API key is shared with the agent. */
export const DATADOG_API_KEY = "datadog:apiKey";
export const DATADOG_APP_KEY = "datadog:appKey";
export const SLACK_WEBHOOK_KEY = `${PROJECT}:slackWebhookUrl`;

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
    const monitoring = parseObjectLeniently(values[`${PROJECT}:monitoring`]);
    const slack = (monitoring.slack ?? {}) as { delivery?: unknown };
    return [
        ...Object.keys(apps).map((app) => ({ key: dbPasswordKey(app), purpose: `database password of app "${app}"` })),
        { key: DATADOG_API_KEY, purpose: "Datadog API key (agent and provider)" },
        { key: DATADOG_APP_KEY, purpose: "Datadog application key (provider)" },
        ...(slack.delivery === "lambda" ? [{ key: SLACK_WEBHOOK_KEY, purpose: "Slack incoming webhook URL" }] : []),
    ];
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
        // A bad record key (an app or node group name) carries the key's own issue inside.
        let expected = issue.code === "invalid_key" && issue.issues[0] ? issue.issues[0].message : issue.message;
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
    if (region === undefined || !REGION.test(region)) {
        problems.push({ key: "aws:region", value: region, expected: "expected an AWS region such as eu-west-1" });
    }

    const required = requiredSecrets(raw.values);
    problems.push(...crossSectionProblems(inputs, region));
    problems.push(...unknownKeyProblems(raw, required));

    const secrets: Record<string, pulumi.Output<string>> = {};
    for (const { key } of required) {
        const secret = readSecret(raw, key, problems);
        if (secret) {
            secrets[key] = secret;
        }
    }

    const resolved = sections.addons && sections.cluster && sections.apps && resolveAddons(sections.addons, {
        fargateOnly: sections.cluster.fargateOnly,
        selfManagedNodeGroups: Object.values(sections.cluster.nodeGroups).some((g) => g.kind === "self-managed"),
        apps: Object.keys(sections.apps).length > 0,
    });
    for (const problem of resolved?.problems ?? []) {
        problems.push({ key: `${PROJECT}:addons.${problem.path}`, value: problem.value, expected: problem.expected });
    }

    if (problems.length > 0) {
        throw new StackConfigError(stack, problems);
    }
    const { stage, network, cluster, apps, datadogSite, loadBalancer, monitoring } = sections as Sections;
    return {
        stack,
        stage,
        region: region!,
        network,
        cluster: { ...cluster, name: cluster.name ?? `${PROJECT}-${stage}` },
        apps: Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, {
            ...app, name, namespace: app.namespace ?? name, dbPassword: secrets[dbPasswordKey(name)],
        }])),
        addons: resolved!.addons,
        loadBalancer: {
            ...loadBalancer,
            accessLogs: loadBalancer.accessLogs ?? stage === "prd",
            deletionProtection: loadBalancer.deletionProtection ?? stage === "prd",
        },
        monitoring: { ...monitoring, slackWebhookUrl: secrets[SLACK_WEBHOOK_KEY] },
        datadog: { site: datadogSite, apiKey: secrets[DATADOG_API_KEY], appKey: secrets[DATADOG_APP_KEY] },
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
    const validRegion = region !== undefined && REGION.test(region) ? region : undefined;
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
        // Malformed names are reported by the schema; only well-formed ones can be in another region.
        const foreign = validRegion ? azs.filter((az) => AVAILABILITY_ZONE.test(az) && !az.startsWith(validRegion)) : [];
        if (foreign.length > 0) {
            problems.push({ key: azKey, value: foreign, expected: `expected zones of aws:region ${validRegion}` });
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

    problems.push(...appStageProblems(stage, inputs.apps));
    problems.push(...loadBalancerStageProblems(stage, inputs.loadBalancer));
    problems.push(...monitoringProblems(inputs.monitoring));
    return problems;
}

/** Slack delivery needs its ids; a warning threshold must fire before its critical one. */
function monitoringProblems(input: unknown): ConfigProblem[] {
    const monitoring = validOrUndefined(monitoringSchema, input);
    if (!monitoring) {
        return [];
    }
    const problems: ConfigProblem[] = [];
    const key = `${PROJECT}:monitoring`;
    if (monitoring.slack.delivery === "chatbot") {
        for (const id of ["workspaceId", "channelId"] as const) {
            if (monitoring.slack[id] === undefined) {
                problems.push({ key: `${key}.slack.${id}`, value: undefined, expected: "is required for chatbot delivery: AWS Chatbot posts to this Slack workspace and channel" });
            }
        }
    }
    const { datadog } = monitoring;
    const rising = { crashLoopBackOff: datadog.crashLoopBackOff, containerRestarts: datadog.containerRestarts, cpuOfLimit: datadog.cpuOfLimit, memoryOfLimit: datadog.memoryOfLimit };
    for (const [name, t] of Object.entries(rising)) {
        if (t.warning !== undefined && t.warning >= t.critical) {
            problems.push({ key: `${key}.datadog.${name}.warning`, value: t.warning, expected: `expected a warning below the critical threshold (${t.critical})` });
        }
    }
    const availability = datadog.deploymentAvailability;
    if (availability.warning !== undefined && availability.warning <= availability.critical) {
        problems.push({
            key: `${key}.datadog.deploymentAvailability.warning`, value: availability.warning,
            expected: `expected a warning above the critical ratio (${availability.critical}): availability falls through it first`,
        });
    }
    return problems;
}

/** Namespaces the platform itself uses: an app gets one of its own. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "datadog", "external-secrets", "external-dns"];

function appStageProblems(stage: Stage | undefined, input: unknown): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const apps = validOrUndefined(z.record(z.string(), z.looseObject({
        namespace: z.string().optional(),
        replicas: z.number().optional(),
        autoscaling: z.looseObject({ minReplicas: z.number().optional() }).optional(),
        hosts: z.array(z.string()).optional(),
        pathPrefix: z.string().optional(),
    })), input);
    const namespaces = new Map<string, string>();
    const routes = new Map<string, string>();
    for (const [name, app] of Object.entries(apps ?? {})) {
        const key = `${PROJECT}:apps.${name}`;
        const namespace = app.namespace ?? name;
        const owner = namespaces.get(namespace);
        if (owner) {
            problems.push({ key: `${key}.namespace`, value: namespace, expected: `expected a namespace of its own (app "${owner}" already uses it)` });
        } else if (RESERVED_NAMESPACES.includes(namespace)) {
            problems.push({ key: `${key}.namespace`, value: namespace, expected: `expected a namespace of its own, not one of ${RESERVED_NAMESPACES.join(", ")}` });
        }
        namespaces.set(namespace, name);

        const route = JSON.stringify([[...(app.hosts ?? [])].sort(), app.pathPrefix ?? "/"]);
        const sameRoute = routes.get(route);
        if (sameRoute) {
            problems.push({ key: `${key}.pathPrefix`, value: app.pathPrefix ?? "/", expected: `expected hosts or a path prefix of its own (app "${sameRoute}" is routed the same way)` });
        }
        routes.set(route, name);

        if (stage === "prd") {
            const minimum = app.autoscaling ? app.autoscaling.minReplicas : app.replicas ?? 2;
            if (minimum !== undefined && minimum < 2) {
                const path = app.autoscaling ? "autoscaling.minReplicas" : "replicas";
                problems.push({ key: `${key}.${path}`, value: minimum, expected: "expected at least 2 in prd, so a node drain or a zone loss leaves a pod serving" });
            }
        }
    }
    return problems;
}

function loadBalancerStageProblems(stage: Stage | undefined, input: unknown): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const lb = validOrUndefined(z.looseObject({
        certificateArn: z.string().optional(), accessLogs: z.boolean().optional(), deletionProtection: z.boolean().optional(),
    }), input ?? {});
    if (!lb || !stage) {
        return problems;
    }
    const key = `${PROJECT}:loadBalancer`;
    if (stage !== "dev" && lb.certificateArn === undefined) {
        problems.push({ key: `${key}.certificateArn`, value: undefined, expected: `expected an ACM certificate ARN: ${stage} serves HTTPS only (HTTP alone is for dev)` });
    }
    if (stage === "prd" && lb.accessLogs === false) {
        problems.push({ key: `${key}.accessLogs`, value: false, expected: "expected true in prd: access logs are the record of every request" });
    }
    if (stage === "prd" && lb.deletionProtection === false) {
        problems.push({ key: `${key}.deletionProtection`, value: false, expected: "expected true in prd: the ALB outlives clusters and carries the stage's DNS" });
    }
    return problems;
}

/** Catches typos in top-level keys (`eks-platform:clsuter`), which Pulumi would silently ignore. */
function unknownKeyProblems(raw: RawStackConfig, required: readonly RequiredSecret[]): ConfigProblem[] {
    const known = new Set([
        ...Object.keys(SECTIONS).map((s) => `${PROJECT}:${s}`),
        ...required.map((s) => s.key),
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
