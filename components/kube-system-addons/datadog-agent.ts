/**
 * Datadog: the node agent (a DaemonSet) and the cluster agent, which runs the kube-state-metrics
 * core check. On a Fargate-only cluster there is no DaemonSet: the cluster agent's admission
 * controller injects the agent into each app pod as a sidecar (Datadog's "Amazon EKS on AWS
 * Fargate" setup, https://docs.datadoghq.com/integrations/eks_fargate/). The API key comes from a Secret.
 */
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ContainerResources, Stage } from "../../stacks/config";
import { NODE_GROUP_LABEL } from "../cluster/node-groups";
import { EVERY_NODE } from "../cluster/system-nodes";
import { AddonContext, AddonSettings, addonNamespace, ChartPin, defaultReplicas, helmRelease, mergeValues } from "./addon";

/** https://github.com/DataDog/helm-charts/blob/datadog-3.240.0/charts/datadog/Chart.yaml */
export const CHART: ChartPin = { repository: "https://helm.datadoghq.com", chart: "datadog", version: "3.240.0" };
export const NAMESPACE = "datadog";
export const API_KEY_SECRET = "datadog-api-key";

/** The Datadog tag that carries a node's group, so dashboards can split by node group. */
export const NODE_GROUP_TAG = "node_group";
/** The Datadog tag that carries the Karpenter NodePool a node was provisioned for (its karpenter.sh/nodepool label). */
export const NODE_POOL_TAG = "node_pool";
export const NODE_POOL_LABEL = "karpenter.sh/nodepool";

export const DEFAULT_AGENT_RESOURCES: ContainerResources = {
    requests: { cpu: "200m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};
/**
 * The trace agent runs beside the node agent by default (APM socket on) with no resources in the
 * chart (agents.containers.traceAgent.resources: {}); the process agent container is not rendered
 * with the chart's 7.81 images (process checks run in the core agent).
 */
export const DEFAULT_TRACE_AGENT_RESOURCES: ContainerResources = {
    requests: { cpu: "50m", memory: "100Mi" },
    limits: { cpu: "250m", memory: "256Mi" },
};
export const DEFAULT_CLUSTER_AGENT_RESOURCES: ContainerResources = {
    requests: { cpu: "200m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

/** Label of the app namespaces whose new pods get the agent sidecar (the injection's one selector). */
export const SIDECAR_NAMESPACE_LABEL = "eks-platform/datadog-sidecar";
/**
 * The Secret the injected agent reads `api-key` and the cluster agent `token` from, in the pod's
 * own namespace: the name is fixed by the cluster agent's sidecar template.
 */
export const SIDECAR_SECRET = "datadog-secret";
/**
 * The cluster agent's token, in a Secret the program owns (the chart's `clusterAgent.tokenExistingSecret`,
 * key `token`), shared with every sidecar on Fargate. Left to the chart, the token is
 * `randAlphaNum 32` on every render with no `lookup` (datadog 3.240.0
 * templates/secret-cluster-agent-token.yaml), and its `checksum/clusteragent_token` pod annotation
 * (daemonset.yaml, cluster-agent-deployment.yaml) restarts every agent on each upgrade, with 401s
 * while old and new tokens meet.
 */
export const CLUSTER_AGENT_TOKEN_SECRET = "datadog-cluster-agent-token";
/** What the injected agent reads from the kubelet and the API, bound to each app's service account. */
export const FARGATE_AGENT_CLUSTER_ROLE = "datadog-agent-fargate";

/** Datadog's "AWS Fargate RBAC" for the injected agent. */
export function fargateAgentRules() {
    return [
        { apiGroups: [""], resources: ["nodes", "namespaces", "endpoints"], verbs: ["get", "list"] },
        {
            apiGroups: [""],
            resources: ["nodes/metrics", "nodes/spec", "nodes/stats", "nodes/proxy", "nodes/pods", "nodes/healthz"],
            verbs: ["get"],
        },
    ];
}

/**
 * The injected agent's container security context: app namespaces enforce the `restricted` Pod
 * Security Standard, which a container without one breaks. The agent image's own user is
 * dd-agent (UID 100). Profiles carry a securityContext from cluster agent 7.62.
 *
 * The root filesystem stays writable on purpose. With `readOnlyRootFilesystem: true` the cluster
 * agent also injects an init container, `init-copy-agent-config`, that carries no
 * securityContext and takes none from the profile (DataDog/datadog-agent
 * pkg/clusteragent/admission/mutate/agent_sidecar/agent_sidecar.go, getSecurityInitTemplate,
 * unchanged from 7.7x through 7.81, the cluster agent of chart 3.240.0): `restricted` rejects
 * that pod, so no app pod would start. `restricted` does not require a read-only root.
 */
export function sidecarSecurityContext() {
    return {
        runAsNonRoot: true,
        runAsUser: 100,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** What an app on a Fargate-only cluster needs so the injected agent can run in its pods. */
export interface DatadogSidecar {
    /** The cluster agent's release: its webhook must run before the app's pods are created (it only mutates creations). */
    readonly release: pulumi.Resource;
    /** For the app namespace's `datadog-secret`. */
    readonly apiKey: pulumi.Output<string>;
    readonly clusterAgentToken: pulumi.Output<string>;
    readonly clusterRoleName: pulumi.Output<string>;
}

export interface DatadogValuesInput {
    clusterName: pulumi.Input<string>;
    /** sha256 of the API key: a changed key changes the pods' annotation and restarts them. */
    apiKeyChecksum?: pulumi.Input<string>;
    site: string;
    stage: Stage;
    fargateOnly: boolean;
    clusterAgentReplicas: number;
    agentResources: ContainerResources;
    clusterAgentResources: ContainerResources;
    overrides: Record<string, unknown>;
}

/** The pods' annotation that follows the API key (the chart adds its own only without an existing secret). */
export const API_KEY_CHECKSUM_ANNOTATION = "checksum/api-key";

/** sha256 of the API key, declassified: a digest, as the chart's own `checksum/api_key`, not the key. */
export function apiKeyChecksum(apiKey: pulumi.Output<string>): pulumi.Output<string> {
    return pulumi.unsecret(apiKey.apply((key) => createHash("sha256").update(key).digest("hex")));
}

export function datadogValues(input: DatadogValuesInput): Record<string, unknown> {
    // The key's Secret keeps its name when the key rotates, and env from a Secret is read at start:
    // without a changed pod template the agents would keep the old key.
    const keyAnnotation = input.apiKeyChecksum ? { podAnnotations: { [API_KEY_CHECKSUM_ANNOTATION]: input.apiKeyChecksum } } : {};
    const nodeGroupAsTag = { [NODE_GROUP_LABEL]: NODE_GROUP_TAG, [NODE_POOL_LABEL]: NODE_POOL_TAG };
    return mergeValues(
        {
            datadog: {
                apiKeyExistingSecret: API_KEY_SECRET,
                site: input.site,
                clusterName: input.clusterName,
                tags: [`env:${input.stage}`],
                collectEvents: true,
                nodeLabelsAsTags: nodeGroupAsTag,
                // Cluster state comes from the KSM core check; the legacy check, and a scrape of the
                // standalone kube-state-metrics release, would send every series a second time.
                kubeStateMetricsEnabled: false,
                kubeStateMetricsCore: { enabled: true, ignoreLegacyKSMCheck: true, labelsAsTags: { node: nodeGroupAsTag } },
            },
            clusterAgent: {
                enabled: true,
                ...keyAnnotation,
                replicas: input.clusterAgentReplicas,
                resources: input.clusterAgentResources,
                pdb: { create: input.clusterAgentReplicas > 1, minAvailable: 1 },
                tokenExistingSecret: CLUSTER_AGENT_TOKEN_SECRET,
                // A built-in class any namespace may use: not evicted for ordinary pods.
                priorityClassName: "system-cluster-critical",
                ...(input.fargateOnly
                    ? {
                          admissionController: {
                              enabled: true,
                              // Said, not defaulted: a pod created while the cluster agent is down starts
                              // without its agent (unmonitored) rather than not at all. "Fail" would stop
                              // every app rollout whenever the cluster agent restarts.
                              failurePolicy: "Ignore",
                              agentSidecarInjection: {
                                  enabled: true,
                                  provider: "fargate",
                                  // Without a selector only pods labelled agent.datadoghq.com/sidecar would be injected.
                                  selectors: [{ namespaceSelector: { matchLabels: { [SIDECAR_NAMESPACE_LABEL]: "fargate" } } }],
                                  profiles: [{ resources: input.agentResources, securityContext: sidecarSecurityContext() }],
                              },
                          },
                      }
                    : {}),
            },
            agents: {
                enabled: !input.fargateOnly,
                ...keyAnnotation,
                // The chart's own PriorityClass (value 1000000000, PreemptLowerPriority): on a full
                // node the DaemonSet's pod preempts an ordinary one instead of staying Pending.
                priorityClassCreate: true,
                // A DaemonSet on every node: the system nodes' taint, and any a NodePool or group sets.
                tolerations: EVERY_NODE,
                containers: { agent: { resources: input.agentResources }, traceAgent: { resources: DEFAULT_TRACE_AGENT_RESOURCES } },
            },
        },
        input.overrides,
    );
}

export interface DatadogAgentSettings extends AddonSettings {
    readonly clusterAgentResources?: ContainerResources;
}

export function registerDatadogAgent(
    ctx: AddonContext,
    settings: DatadogAgentSettings,
    site: string,
    apiKey: pulumi.Output<string>,
    fargateOnly: boolean,
): { release: k8s.helm.v3.Release; sidecar?: DatadogSidecar } {
    const child = { parent: ctx.parent, provider: ctx.provider };
    const namespace = addonNamespace(ctx, "datadog", NAMESPACE);
    const secret = new k8s.core.v1.Secret(
        `${ctx.componentName}-datadog-api-key`,
        {
            metadata: { name: API_KEY_SECRET, namespace: namespace.metadata.name },
            type: "Opaque",
            stringData: { "api-key": apiKey },
        },
        child,
    );
    // Made once and kept in state, not by the chart on every render; sidecars share it on Fargate.
    const token = new random.RandomPassword(
        `${ctx.componentName}-datadog-cluster-agent-token`,
        {
            length: 48,
            special: false,
            numeric: false,
        },
        { parent: ctx.parent },
    );
    const tokenSecret = new k8s.core.v1.Secret(
        `${ctx.componentName}-datadog-cluster-agent-token`,
        {
            metadata: { name: CLUSTER_AGENT_TOKEN_SECRET, namespace: namespace.metadata.name },
            type: "Opaque",
            stringData: { token: pulumi.secret(token.result) },
        },
        child,
    );
    const values = datadogValues({
        clusterName: ctx.clusterName,
        site,
        apiKeyChecksum: apiKeyChecksum(apiKey),
        stage: ctx.stage,
        fargateOnly,
        clusterAgentReplicas: settings.replicas ?? defaultReplicas(ctx.stage),
        agentResources: settings.resources ?? DEFAULT_AGENT_RESOURCES,
        clusterAgentResources: settings.clusterAgentResources ?? DEFAULT_CLUSTER_AGENT_RESOURCES,
        overrides: settings.values,
    });
    // The agents cannot start without the key's Secret (nor the cluster agent without its token's).
    const release = helmRelease(ctx, "datadog", CHART, namespace.metadata.name, values, { dependsOn: [secret, tokenSecret] });
    if (!fargateOnly) {
        return { release };
    }
    const clusterRole = new k8s.rbac.v1.ClusterRole(
        `${ctx.componentName}-datadog-agent-fargate`,
        {
            metadata: {
                name: FARGATE_AGENT_CLUSTER_ROLE,
                labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "eks-platform" },
            },
            rules: fargateAgentRules(),
        },
        child,
    );
    return {
        release,
        sidecar: { release, apiKey, clusterAgentToken: pulumi.secret(token.result), clusterRoleName: clusterRole.metadata.name },
    };
}
