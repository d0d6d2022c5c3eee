/**
 * kube-state-metrics: object state as Prometheus metrics, for consumers other than Datadog
 * (Lens, Prometheus). Datadog reads the same state through the KSM core check in its cluster
 * agent and is told not to scrape this release, so no series arrives twice. No AWS access.
 */
import * as k8s from "@pulumi/kubernetes";
import type { ContainerResources } from "../../stacks/config";
import { AddonContext, AddonSettings, ChartPin, helmRelease, mergeValues } from "./addon";

/** https://github.com/prometheus-community/helm-charts/blob/kube-state-metrics-8.4.0/charts/kube-state-metrics/Chart.yaml */
export const CHART: ChartPin = {
    repository: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-state-metrics",
    version: "8.4.0",
};
export const NAMESPACE = "kube-system";

export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "50m", memory: "128Mi" },
    limits: { cpu: "250m", memory: "256Mi" },
};

export function kubeStateMetricsValues(resources: ContainerResources, overrides: Record<string, unknown>): Record<string, unknown> {
    // A single replica: unsharded replicas each export every series.
    return mergeValues({ replicas: 1, resources }, overrides);
}

export function registerKubeStateMetrics(ctx: AddonContext, settings: AddonSettings): k8s.helm.v3.Release {
    return helmRelease(
        ctx,
        "kube-state-metrics",
        CHART,
        NAMESPACE,
        kubeStateMetricsValues(settings.resources ?? DEFAULT_RESOURCES, settings.values),
    );
}
