/** Rules for the Kubernetes objects the platform creates. */
import { API_ACCESS_ANNOTATION, looksSecret } from "../stacks/schema/apps";
import { PolicyResource, profileOf, ResourceRule, stageOf } from "./rule";

/** An object declared directly (not a Helm release or a YAML file). */
function kubernetesObject(r: PolicyResource): { kind: string; apiVersion: string } | undefined {
    return r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string" && typeof r.inputs.apiVersion === "string"
        ? { kind: r.inputs.kind, apiVersion: r.inputs.apiVersion }
        : undefined;
}

/** The pod spec of a workload or a pod. */
export function podSpecOf(r: PolicyResource): Record<string, any> | undefined {
    switch (kubernetesObject(r)?.kind) {
        case "Pod":
            return r.inputs.spec;
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "ReplicaSet":
        case "Job":
            return r.inputs.spec?.template?.spec;
        case "CronJob":
            return r.inputs.spec?.jobTemplate?.spec?.template?.spec;
        default:
            return undefined;
    }
}

function containersOf(r: PolicyResource): Record<string, any>[] {
    const pod = podSpecOf(r);
    return pod ? [...(pod.initContainers ?? []), ...(pod.containers ?? [])] : [];
}

/** A tag or digest pin; `latest` and no tag at all are not pins. */
export function isPinnedImage(image: string): boolean {
    if (/@sha256:[a-f0-9]{64}$/.test(image)) {
        return true;
    }
    const lastPart = image.slice(image.lastIndexOf("/") + 1);
    const tag = lastPart.includes(":") ? lastPart.slice(lastPart.indexOf(":") + 1) : undefined;
    return tag !== undefined && tag !== "latest";
}

/** Built-in API groups: core ("v1"), no dot, or a *.k8s.io group. CRD groups version themselves. */
function isBuiltInGroup(apiVersion: string): boolean {
    if (!apiVersion.includes("/")) {
        return true;
    }
    const group = apiVersion.split("/")[0];
    return !group.includes(".") || group.endsWith(".k8s.io");
}

export const KUBERNETES_RULES: ResourceRule[] = [
    {
        name: "k8s-requests-limits",
        description: "Every container sets CPU and memory requests and limits.",
        check: (r) =>
            containersOf(r).flatMap((c) =>
                ["requests", "limits"].flatMap((kind) =>
                    ["cpu", "memory"]
                        .filter((resource) => c.resources?.[kind]?.[resource] === undefined)
                        .map((resource) => `container ${c.name} has no ${resource} ${kind.slice(0, -1)}`),
                ),
            ),
    },
    {
        name: "k8s-readiness-probe",
        description: "App containers have a readiness probe, so traffic reaches only ready pods.",
        check: (r) =>
            kubernetesObject(r)?.kind === "Deployment"
                ? (podSpecOf(r)?.containers ?? [])
                      .filter((c: any) => !c.readinessProbe)
                      .map((c: any) => `container ${c.name} has no readiness probe`)
                : [],
    },
    {
        name: "k8s-hpa-minimum",
        description: "An HPA keeps at least 2 replicas: one lone pod goes down with every drain, consolidation or node expiry.",
        // Kubernetes defaults an HPA's minReplicas to 1.
        check: (r) =>
            kubernetesObject(r)?.kind === "HorizontalPodAutoscaler" &&
            (r.inputs.spec?.minReplicas ?? 1) < (profileOf(r)?.minAppReplicas ?? 1)
                ? [`minReplicas is ${r.inputs.spec?.minReplicas ?? 1}, expected at least ${profileOf(r)!.minAppReplicas} in ${stageOf(r)}`]
                : [],
    },
    {
        name: "k8s-service-account-token",
        description: "Service accounts mount no API token unless the app needs the Kubernetes API.",
        check: (r) =>
            kubernetesObject(r)?.kind === "ServiceAccount" &&
            r.inputs.automountServiceAccountToken !== false &&
            r.inputs.metadata?.annotations?.[API_ACCESS_ANNOTATION] !== "true"
                ? ["automountServiceAccountToken is not false"]
                : [],
    },
    {
        name: "k8s-no-secrets-in-configmaps",
        description: "No ConfigMap key looks like a password, secret or token.",
        check: (r) =>
            kubernetesObject(r)?.kind === "ConfigMap"
                ? Object.keys(r.inputs.data ?? {})
                      .filter((k) => looksSecret(k))
                      .map((k) => `key ${k} looks like a secret: it belongs in a Secret`)
                : [],
    },
    {
        name: "k8s-images-pinned",
        description: "Images are pinned by digest or tag, never latest.",
        check: (r) =>
            containersOf(r)
                .filter((c) => !isPinnedImage(String(c.image)))
                .map((c) => `container ${c.name} runs ${c.image}, which is not pinned`),
    },
    {
        name: "k8s-no-node-exposure",
        description: "No Service of type LoadBalancer or NodePort: traffic enters through the ALB.",
        check: (r) =>
            kubernetesObject(r)?.kind === "Service" && ["LoadBalancer", "NodePort"].includes(r.inputs.spec?.type)
                ? [`type ${r.inputs.spec.type} exposes the app outside the ALB`]
                : [],
    },
    {
        name: "k8s-stable-api-versions",
        description: "Built-in Kubernetes objects use stable API versions (no alpha or beta).",
        check: (r) => {
            const object = kubernetesObject(r);
            return object && isBuiltInGroup(object.apiVersion) && /(alpha|beta)/.test(object.apiVersion)
                ? [`${object.kind} uses ${object.apiVersion}`]
                : [];
        },
    },
];
