/**
 * Datadog: the node agent (a DaemonSet) and the cluster agent, which runs the kube-state-metrics
 * core check. On a Fargate-only cluster there is no DaemonSet: the cluster agent's admission
 * controller injects the agent into each pod as a sidecar. The API key comes from a Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources, Stage } from "../../stacks/config";
import { NODE_GROUP_LABEL } from "../eks-node-groups";
import { AddonContext, AddonSettings, addonNamespace, ChartPin, defaultReplicas, helmRelease, mergeValues } from "./addon";

/** https://github.com/DataDog/helm-charts/blob/datadog-3.240.0/charts/datadog/Chart.yaml */
export const CHART: ChartPin = { repository: "https://helm.datadoghq.com", chart: "datadog", version: "3.240.0" };
export const NAMESPACE = "datadog";
export const API_KEY_SECRET = "datadog-api-key";

/** The Datadog tag that carries a node's group, so dashboards can split by node group. */
export const NODE_GROUP_TAG = "node_group";

export const DEFAULT_AGENT_RESOURCES: ContainerResources = {
    requests: { cpu: "200m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};
export const DEFAULT_CLUSTER_AGENT_RESOURCES: ContainerResources = {
    requests: { cpu: "200m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

export interface DatadogValuesInput {
    clusterName: pulumi.Input<string>;
    site: string;
    stage: Stage;
    fargateOnly: boolean;
    clusterAgentReplicas: number;
    agentResources: ContainerResources;
    clusterAgentResources: ContainerResources;
    overrides: Record<string, unknown>;
}

export function datadogValues(input: DatadogValuesInput): Record<string, unknown> {
    const nodeGroupAsTag = { [NODE_GROUP_LABEL]: NODE_GROUP_TAG };
    return mergeValues({
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
            replicas: input.clusterAgentReplicas,
            resources: input.clusterAgentResources,
            pdb: { create: input.clusterAgentReplicas > 1, minAvailable: 1 },
            ...(input.fargateOnly
                ? { admissionController: { enabled: true, agentSidecarInjection: { enabled: true, provider: "fargate" } } }
                : {}),
        },
        agents: {
            enabled: !input.fargateOnly,
            containers: { agent: { resources: input.agentResources } },
        },
    }, input.overrides);
}

export interface DatadogAgentSettings extends AddonSettings {
    readonly clusterAgentResources?: ContainerResources;
}

export function registerDatadogAgent(
    ctx: AddonContext, settings: DatadogAgentSettings, site: string, apiKey: pulumi.Output<string>, fargateOnly: boolean,
): k8s.helm.v3.Release {
    const namespace = addonNamespace(ctx, "datadog", NAMESPACE);
    const secret = new k8s.core.v1.Secret(`${ctx.componentName}-datadog-api-key`, {
        metadata: { name: API_KEY_SECRET, namespace: namespace.metadata.name },
        type: "Opaque",
        stringData: { "api-key": apiKey },
    }, { parent: ctx.parent, provider: ctx.provider });
    const values = datadogValues({
        clusterName: ctx.clusterName,
        site,
        stage: ctx.stage,
        fargateOnly,
        clusterAgentReplicas: settings.replicas ?? defaultReplicas(ctx.stage),
        agentResources: settings.resources ?? DEFAULT_AGENT_RESOURCES,
        clusterAgentResources: settings.clusterAgentResources ?? DEFAULT_CLUSTER_AGENT_RESOURCES,
        overrides: settings.values,
    });
    // The agents cannot start without the key's Secret.
    return helmRelease(ctx, "datadog", CHART, namespace.metadata.name, values, { dependsOn: [secret] });
}
