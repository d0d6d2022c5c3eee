/**
 * What every addon file shares: the context it is registered in, its pinned chart, the Helm
 * release, its own AWS role bound to its own service account, and values helpers.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources, Stage } from "../../stacks/config";
import { defaultReplicas } from "../../stacks/schema/stage";
import { denyWithoutTls, podIdentityTrustPolicy, serviceAccountTrustPolicy } from "../trust-policies";
import type { SystemPlacement } from "../cluster/system-nodes";

/**
 * A Helm chart pinned to an exact version of the repository that really serves that version:
 * an HTTPS chart repository (its index.yaml lists the version) or an OCI registry path.
 */
export interface ChartPin {
    /** `https://...` (a chart repository) or `oci://registry/path` (the chart is `<repository>/<chart>`). */
    readonly repository: string;
    readonly chart: string;
    readonly version: string;
}

/** How Helm is told where a pinned chart lives: an OCI reference, or a chart name in a repository. */
export function chartSource(pin: ChartPin): { chart: string; repositoryOpts?: { repo: string } } {
    return pin.repository.startsWith("oci://")
        ? { chart: `${pin.repository.replace(/\/+$/, "")}/${pin.chart}` }
        : { chart: pin.chart, repositoryOpts: { repo: pin.repository } };
}

/**
 * Where an addon's IAM policy comes from. The grant is the published policy at the pinned
 * version, narrowed to the calls its source makes there (an action the source never calls is
 * left out), and scoped to this stack's resources where the API allows it.
 */
export interface IamSource {
    /** The GitHub repository of the controller. */
    readonly repository: string;
    /** The tag whose published policy and source were read: the chart's app version. */
    readonly ref: string;
    /** The files the actions were taken from. */
    readonly files: readonly string[];
}

/** The cluster's IAM OIDC provider, for IAM roles for service accounts. */
export interface ServiceAccountOidc {
    readonly providerArn: pulumi.Input<string>;
    /** The issuer without `https://` (eks.Cluster's `oidcIssuer`): the prefix of the trust policy's condition keys. */
    readonly issuer: pulumi.Input<string>;
}

/** Where an addon is registered. */
export interface AddonContext {
    /** The KubeSystemAddons component's name: every child name starts with it. */
    readonly componentName: string;
    readonly parent: pulumi.Resource;
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    readonly kubernetesVersion: string;
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    readonly stage: Stage;
    /** Every pod runs on Fargate: no node, no kubelet port 10250 for pods, no Pod Identity. */
    readonly fargateOnly: boolean;
    /** Pods get their AWS credentials through this agent. */
    readonly podIdentityAgent: pulumi.Resource;
    /**
     * Set on a Fargate-only cluster, where EKS Pod Identity cannot serve ("Linux and Windows pods
     * that run on AWS Fargate (Fargate) aren't supported", EKS user guide, pod-identities,
     * restrictions): addon roles are assumed through the cluster's IAM OIDC provider instead.
     */
    readonly serviceAccountOidc?: ServiceAccountOidc;
    /**
     * What the addons' pods need to run: the node groups or Fargate profiles, and cluster DNS.
     * Every release waits for it, so its install timer starts when nodes exist, and is deleted
     * before it.
     */
    readonly compute: pulumi.Resource[];
    /** With Karpenter: the node groups are system nodes, and every controller is placed there. */
    readonly systemNodes?: SystemPlacement;
    readonly tags: Record<string, string>;
}

/**
 * Where each chart takes a controller Deployment's `nodeSelector` and `tolerations`, at its pinned
 * version (values.yaml): top level for most; external-secrets per Deployment (controller, webhook,
 * cert controller); Datadog's cluster agent under `clusterAgent` (its node agent is a DaemonSet).
 * The termination handler is a Deployment in queue mode, the only mode the platform runs.
 */
export const CONTROLLER_VALUE_PATHS: Readonly<Record<string, readonly string[]>> = {
    "karpenter": [""],
    "karpenter-crd": [],
    "cluster-autoscaler": [""],
    "metrics-server": [""],
    "kube-state-metrics": [""],
    "aws-load-balancer-controller": [""],
    "aws-node-termination-handler": [""],
    "external-dns": [""],
    "external-secrets": ["", "webhook", "certController"],
    "datadog": ["clusterAgent"],
};

/** The placement values of a chart's controllers, under the paths it takes them. */
export function placementValues(addon: string, placement: SystemPlacement): Record<string, unknown> {
    const paths = CONTROLLER_VALUE_PATHS[addon];
    if (paths === undefined) {
        throw new Error(`No controller placement paths for chart ${addon}: add them to CONTROLLER_VALUE_PATHS`);
    }
    return paths.reduce<Record<string, unknown>>(
        (values, path) => mergeValues(values, path === "" ? { ...placement } : { [path]: { ...placement } }),
        {},
    );
}

/** The settings of one addon from the stack config. */
export interface AddonSettings {
    readonly replicas?: number;
    readonly resources?: ContainerResources;
    readonly values: Record<string, unknown>;
}

export { defaultReplicas };

/** Deep-merges Helm values: objects merge key by key, anything else in `overrides` wins. */
export function mergeValues(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(overrides)) {
        const current = merged[key];
        merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
    }
    return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !pulumi.Output.isInstance(value);
}

/**
 * A Helm release of a pinned chart, on the cluster's compute. Values come computed first, the
 * stack's overrides last.
 */
export function helmRelease(
    ctx: AddonContext,
    addon: string,
    pin: ChartPin,
    namespace: pulumi.Input<string>,
    values: pulumi.Input<Record<string, unknown>>,
    options: { dependsOn?: pulumi.Resource[]; skipCrds?: boolean } = {},
): k8s.helm.v3.Release {
    // Under the computed values and the stack's overrides: a stack may still place a controller itself.
    const placed = ctx.systemNodes && isPlainObject(values) ? mergeValues(placementValues(addon, ctx.systemNodes), values) : values;
    return new k8s.helm.v3.Release(
        `${ctx.componentName}-${addon}`,
        {
            name: addon,
            ...chartSource(pin),
            version: pin.version,
            namespace,
            values: placed,
            skipCrds: options.skipCrds,
            // A failed install or upgrade rolls back instead of leaving a half-applied release.
            atomic: true,
            cleanupOnFail: true,
            maxHistory: 10,
            timeout: 600,
        },
        { parent: ctx.parent, provider: ctx.provider, dependsOn: [...ctx.compute, ...(options.dependsOn ?? [])] },
    );
}

/** A namespace the addon owns, so removing the addon removes it (Helm never deletes namespaces). */
export function addonNamespace(ctx: AddonContext, addon: string, name: string): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(
        `${ctx.componentName}-${addon}`,
        {
            metadata: { name, labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "eks-platform" } },
        },
        { parent: ctx.parent, provider: ctx.provider },
    );
}

/** What an addon's AWS role asks of its release. */
export interface AddonRole {
    /** What the release waits for: pods started before their credentials exist get none. */
    readonly waitFor: pulumi.Resource[];
    /** Annotations of the chart's service account (the IRSA role ARN); empty with Pod Identity. */
    readonly serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
}

/** The annotation through which EKS's pod identity webhook injects a role's web identity (IRSA). */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * The addon's own least-privilege role, bound to its service account: through EKS Pod Identity,
 * or on a Fargate-only cluster through the OIDC provider (IAM roles for service accounts).
 */
export function addonRole(
    ctx: AddonContext,
    addon: string,
    namespace: string,
    serviceAccount: string,
    policy: pulumi.Input<aws.iam.PolicyDocument>,
): AddonRole {
    const name = `${ctx.componentName}-${addon}`;
    const oidc = ctx.serviceAccountOidc;
    const role = new aws.iam.Role(
        name,
        {
            description: `${addon} in ${namespace}/${serviceAccount}, through ${oidc ? "IAM roles for service accounts" : "EKS Pod Identity"}`,
            assumeRolePolicy: oidc
                ? pulumi
                      .all([oidc.providerArn, oidc.issuer])
                      .apply(([providerArn, issuer]) =>
                          JSON.stringify(serviceAccountTrustPolicy(providerArn, issuer, namespace, serviceAccount)),
                      )
                : JSON.stringify(podIdentityTrustPolicy()),
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(
        name,
        {
            role: role.name,
            policy: pulumi.output(policy).apply((document) => JSON.stringify(document)),
        },
        { parent: ctx.parent },
    );
    if (oidc) {
        return { waitFor: [rolePolicy], serviceAccountAnnotations: { [IRSA_ROLE_ANNOTATION]: role.arn } };
    }
    const association = new aws.eks.PodIdentityAssociation(
        name,
        {
            clusterName: ctx.clusterName,
            namespace,
            serviceAccount,
            roleArn: role.arn,
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
    return { waitFor: [rolePolicy, association, ctx.podIdentityAgent], serviceAccountAnnotations: {} };
}

/** A chart's `serviceAccount` values: created by the chart under our name, annotated when IRSA needs it. */
export function serviceAccountValues(name: string, annotations: Record<string, pulumi.Input<string>> = {}): Record<string, unknown> {
    return { create: true, name, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) };
}

/** An SQS queue that EventBridge rules feed, for a controller that reacts to EC2 events. */
export interface EventQueueSpec {
    /** Name of the queue resource; each rule is named `<rulePrefix>-<rule>`. */
    readonly queueName: string;
    readonly rulePrefix: string;
    /** Whose queue, for the rules' descriptions: "To <owner>: <rule>". */
    readonly owner: string;
    /** The EventBridge patterns, by short rule name. */
    readonly patterns: Record<string, Record<string, unknown>>;
}

/**
 * An event queue's policy: EventBridge (and SQS) may send, and nothing may use the queue without
 * TLS (the DenyHTTP statement of Karpenter's v1.14.1 cloudformation.yaml; the node termination
 * handler's published queue policy has only the first statement).
 */
export function eventQueuePolicy(queueArn: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EventsToQueue",
                Effect: "Allow",
                Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
                Action: "sqs:SendMessage",
                Resource: queueArn,
            },
            denyWithoutTls("DenyHTTP", "sqs:*", queueArn),
        ],
    };
}

/** The queue (5-minute retention, SSE), its TLS-only policy, and a rule and target per pattern. */
export function eventQueue(ctx: AddonContext, spec: EventQueueSpec): aws.sqs.Queue {
    const child = { parent: ctx.parent };
    const queue = new aws.sqs.Queue(
        spec.queueName,
        {
            messageRetentionSeconds: 300,
            sqsManagedSseEnabled: true,
            tags: ctx.tags,
        },
        child,
    );
    new aws.sqs.QueuePolicy(
        spec.queueName,
        {
            queueUrl: queue.url,
            policy: queue.arn.apply((arn) => JSON.stringify(eventQueuePolicy(arn))),
        },
        child,
    );
    for (const [rule, pattern] of Object.entries(spec.patterns)) {
        const eventRule = new aws.cloudwatch.EventRule(
            `${spec.rulePrefix}-${rule}`,
            {
                description: `To ${spec.owner}: ${rule}`,
                eventPattern: JSON.stringify(pattern),
                tags: ctx.tags,
            },
            child,
        );
        new aws.cloudwatch.EventTarget(`${spec.rulePrefix}-${rule}`, { rule: eventRule.name, arn: queue.arn }, child);
    }
    return queue;
}
