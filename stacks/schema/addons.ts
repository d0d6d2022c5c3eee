import { z } from "zod";
import { containerResources } from "./fields";

const enabled = z.boolean({ error: "expected true or false" }).optional().describe("Install it or not. Default: the addon's line says.");
const replicas = z.int({ error: "expected a whole number from 1 to 5" })
    .min(1, { error: "expected a whole number from 1 to 5" })
    .max(5, { error: "expected a whole number from 1 to 5" }).optional().describe("Controller replicas. Default: 2 in prd, else 1.");
/** Extra Helm values, merged last over the computed ones. Not checked against the chart. */
const values = z.record(z.string(), z.unknown()).default({}).describe("Extra Helm values, merged last over the computed ones (not checked against the chart).");
const resources = containerResources.optional().describe("The controller container's requests and limits. Default: the addon's own (docs/addons.md).");

const arn = (service: string, example: string) =>
    z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), { error: `expected an ARN such as ${example}` });

/** Settings every addon accepts. */
const addon = { enabled, replicas, resources, values };

/** `eks-platform:addons`: the kube-system addons; each one is switched and sized here. */
export const addonsSchema = z.strictObject({
    clusterAutoscaler: z.strictObject(addon).prefault({}).describe("cluster-autoscaler: on when cluster.autoscaler is cluster-autoscaler; refused with Karpenter or on Fargate only."),
    karpenter: z.strictObject(addon).prefault({}).describe("Karpenter: on exactly when cluster.autoscaler is karpenter (enabled may only confirm it); its NodePools are cluster.nodePools."),
    metricsServer: z.strictObject(addon).prefault({}).describe("metrics-server: on by default; cannot be off while apps exist (their HPAs read it)."),
    kubeStateMetrics: z.strictObject({ enabled, resources, values }).prefault({}).describe("kube-state-metrics, for the Datadog monitors: on by default; one replica by design, two would export every series twice."),
    datadog: z.strictObject({
        enabled,
        replicas: replicas.describe("Cluster agent replicas. Default: 2 in prd, else 1."),
        resources: containerResources.optional().describe("The node agent container's requests and limits (one per node). Default: the platform's (docs/addons.md)."),
        clusterAgentResources: containerResources.optional().describe("The cluster agent's requests and limits. Default: 200m/256Mi, limits 500m/512Mi."),
        values,
    }).prefault({}).describe("The Datadog agent, cluster agent, monitors, dashboard and SLOs: on by default; off, the stack has no Datadog resources and needs no Datadog keys."),
    awsLoadBalancerController: z.strictObject(addon).prefault({}).describe("AWS Load Balancer Controller: on while apps exist (the ALB reaches their pods through TargetGroupBindings it reconciles), and cannot be off then."),
    nodeTerminationHandler: z.strictObject(addon).prefault({}).describe("AWS Node Termination Handler (queue mode): on with self-managed node groups, refused without them (managed groups and Fargate drain nodes themselves)."),
    externalSecrets: z.strictObject({
        ...addon,
        secretArns: z.array(arn("secretsmanager", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:web/*")).default([]).describe("Secrets Manager secrets it may read (wildcards allowed at the end)."),
        parameterArns: z.array(arn("ssm", "arn:aws:ssm:eu-west-1:111122223333:parameter/web/*")).default([]).describe("SSM parameters it may read."),
        kmsKeyArns: z.array(arn("kms", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-...")).default([]).describe("Customer-managed KMS keys those secrets are encrypted with."),
    }).prefault({}).describe("External Secrets Operator: off by default; when on, secretArns or parameterArns is required."),
    externalDns: z.strictObject({
        enabled,
        resources,
        values,
        hostedZoneIds: z.array(z.string().regex(/^Z[A-Z0-9]{1,31}$/, { error: "expected a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ" })).default([]).describe("The Route 53 zones it may change, and nothing else."),
        domainFilters: z.array(z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { error: "expected a domain such as example.com" })).default([]).describe("Domains it manages records for."),
        policy: z.enum(["upsert-only", "sync"], { error: 'expected "upsert-only" or "sync"' }).default("upsert-only").describe("`upsert-only` never deletes records; `sync` also deletes the ones it owns."),
    }).prefault({}).describe("external-dns: off by default; when on, hostedZoneIds and domainFilters are both required. One replica."),
}).prefault({}).describe("The kube-system addons, each switched and sized here; every key is optional.");

export type AddonsInput = z.output<typeof addonsSchema>;
export type AddonName = keyof AddonsInput;

/** Datadog sites (https://docs.datadoghq.com/getting_started/site/). */
export const DATADOG_SITES = ["datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ap2.datadoghq.com", "ddog-gov.com"] as const;
export const datadogSiteSchema = z.enum(DATADOG_SITES, { error: `expected one of ${DATADOG_SITES.join(", ")}` })
    .describe("The Datadog site of the organisation. Default: `datadoghq.com` (Pulumi.yaml).");

/** What the rest of the stack says about which addons make sense. */
export interface AddonContextFacts {
    /** Every pod on Fargate: no nodes to scale or drain. */
    readonly fargateOnly: boolean;
    /** The cluster's autoscaler (cluster.autoscaler, resolved); none on Fargate only. */
    readonly autoscaler?: "karpenter" | "cluster-autoscaler";
    /** Self-managed Auto Scaling groups exist (the node termination handler's job). */
    readonly selfManagedNodeGroups: boolean;
    /** Apps exist: their HPAs need metrics-server, their TargetGroupBindings the load balancer controller. */
    readonly apps: boolean;
}

export type AddonsConfig = { [K in AddonName]: AddonsInput[K] & { readonly enabled: boolean } };

export interface AddonProblem {
    /** Path under `eks-platform:addons`. */
    readonly path: string;
    readonly value: unknown;
    readonly expected: string;
}

/**
 * Decides which addons are on: what the stack file says, else the platform's default for this
 * stack; and refuses combinations that cannot work.
 */
export function resolveAddons(input: AddonsInput, facts: AddonContextFacts): { addons: AddonsConfig; problems: AddonProblem[] } {
    const defaults: Record<AddonName, boolean> = {
        clusterAutoscaler: facts.autoscaler === "cluster-autoscaler",
        karpenter: facts.autoscaler === "karpenter",
        metricsServer: true,
        kubeStateMetrics: true,
        datadog: true,
        awsLoadBalancerController: facts.apps,
        nodeTerminationHandler: facts.selfManagedNodeGroups,
        externalSecrets: false,
        externalDns: false,
    };
    const addons = Object.fromEntries((Object.keys(defaults) as AddonName[]).map((name) =>
        [name, { ...input[name], enabled: input[name].enabled ?? defaults[name] }])) as AddonsConfig;

    const problems: AddonProblem[] = [];
    const refuse = (name: AddonName, expected: string) =>
        problems.push({ path: `${name}.enabled`, value: input[name].enabled, expected });
    if (facts.fargateOnly && input.clusterAutoscaler.enabled === true) {
        refuse("clusterAutoscaler", "expected false on a Fargate-only cluster: there are no node groups to scale");
    } else if (facts.autoscaler === "karpenter" && input.clusterAutoscaler.enabled === true) {
        refuse("clusterAutoscaler", "expected false with Karpenter (cluster.autoscaler): two autoscalers would fight over the same nodes");
    }
    if (input.karpenter.enabled !== undefined && input.karpenter.enabled !== (facts.autoscaler === "karpenter")) {
        refuse("karpenter", facts.autoscaler === "karpenter"
            ? "expected true, or no value: Karpenter is the cluster's autoscaler (cluster.autoscaler)"
            : "expected false, or no value: set cluster.autoscaler: karpenter to run Karpenter");
    }
    if (input.nodeTerminationHandler.enabled === true && !facts.selfManagedNodeGroups) {
        refuse("nodeTerminationHandler", "expected false without self-managed node groups: EKS managed groups and Fargate drain nodes themselves");
    }
    if (facts.apps && input.metricsServer.enabled === false) {
        refuse("metricsServer", "expected true while apps exist: their HorizontalPodAutoscalers read metrics-server");
    }
    if (facts.apps && input.awsLoadBalancerController.enabled === false) {
        refuse("awsLoadBalancerController", "expected true while apps exist: the ALB reaches their pods through TargetGroupBindings it reconciles");
    }
    if (addons.externalDns.enabled && (input.externalDns.hostedZoneIds.length === 0 || input.externalDns.domainFilters.length === 0)) {
        problems.push({
            path: "externalDns", value: { hostedZoneIds: input.externalDns.hostedZoneIds, domainFilters: input.externalDns.domainFilters },
            expected: "expected hostedZoneIds and domainFilters when external-dns is enabled: it may change those zones only",
        });
    }
    const es = input.externalSecrets;
    if (addons.externalSecrets.enabled && es.secretArns.length === 0 && es.parameterArns.length === 0) {
        problems.push({
            path: "externalSecrets", value: { secretArns: es.secretArns, parameterArns: es.parameterArns },
            expected: "expected secretArns or parameterArns when external-secrets is enabled: it may read those only",
        });
    }
    return { addons, problems };
}
