/** metrics-server: the resource metrics API that HorizontalPodAutoscalers and `kubectl top` read. No AWS access. */
import * as k8s from "@pulumi/kubernetes";
import type { ContainerResources } from "../../stacks/config";
import { AddonContext, AddonSettings, ChartPin, defaultReplicas, helmRelease, mergeValues } from "./addon";

/** https://github.com/kubernetes-sigs/metrics-server/blob/metrics-server-helm-chart-3.13.1/charts/metrics-server/Chart.yaml */
export const CHART: ChartPin = { repository: "https://kubernetes-sigs.github.io/metrics-server/", chart: "metrics-server", version: "3.13.1" };
export const NAMESPACE = "kube-system";

export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "100m", memory: "200Mi" },
    limits: { cpu: "500m", memory: "400Mi" },
};

export function metricsServerValues(replicas: number, resources: ContainerResources, overrides: Record<string, unknown>): Record<string, unknown> {
    return mergeValues({
        replicas,
        resources,
        podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
    }, overrides);
}

export function registerMetricsServer(ctx: AddonContext, settings: AddonSettings): k8s.helm.v3.Release {
    const values = metricsServerValues(settings.replicas ?? defaultReplicas(ctx.stage), settings.resources ?? DEFAULT_RESOURCES, settings.values);
    return helmRelease(ctx, "metrics-server", CHART, NAMESPACE, values);
}
