/**
 * What an app's Kubernetes objects hold, computed from its config: labels, the ConfigMap and
 * Secret data, shutdown timing and the Deployment's spec. Pure: AppRelease creates the objects.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig, Stage } from "../../stacks/config";
import { stageProfile } from "../../stacks/schema/stage";
import { looksSecret } from "../../stacks/schema/apps";
import { spreadConstraints } from "../scheduling";

/** The app's container in its pod: what the HPA measures, next to any injected sidecar. */
export const APP_CONTAINER = "app";

/** The Service's port; the container's port is the app's own. */
export const SERVICE_PORT = 80;

/**
 * Shutdown in the right order: the pod keeps serving while the ALB drains it (preStop sleep =
 * deregistration delay), then gets SIGTERM and `shutdownSeconds` to finish before SIGKILL.
 */
export function shutdownTiming(deregistrationDelaySeconds: number, shutdownSeconds: number) {
    return {
        preStopSleepSeconds: deregistrationDelaySeconds,
        terminationGracePeriodSeconds: deregistrationDelaySeconds + shutdownSeconds,
    };
}

/** Pod Security Standards `restricted`, enforced at the cluster's version; readiness gates for ALB targets. */
export function namespaceLabels(kubernetesVersion: string): Record<string, string> {
    const version = `v${kubernetesVersion}`;
    return {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": version,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": version,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": version,
        // A rollout waits until each new pod is healthy in the ALB before taking an old one away.
        "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
    };
}

/** The ConfigMap's data: RDS connection values (with rds) and the app's extra variables. Never a secret. */
export function configData(app: Pick<AppConfig, "rds" | "env">): Record<string, string> {
    const data: Record<string, string> = {
        ...(app.rds ? { DB_HOST: app.rds.host, DB_PORT: String(app.rds.port), DB_NAME: app.rds.database, DB_USER: app.rds.user } : {}),
        ...app.env,
    };
    const secretLike = Object.keys(data).filter((key) => looksSecret(key));
    if (secretLike.length > 0) {
        throw new Error(`ConfigMap keys ${secretLike.join(", ")} look like secrets; they belong in the app's Secret.`);
    }
    return data;
}

/** The app's Secret data: DB_PASSWORD with rds, and each secret variable; secret values throughout. */
export function secretEnvironment(app: Pick<AppConfig, "dbPassword" | "secretEnvValues">): Record<string, pulumi.Output<string>> {
    return { ...(app.dbPassword ? { DB_PASSWORD: app.dbPassword } : {}), ...app.secretEnvValues };
}

/** A name that changes with the content, so a changed ConfigMap rolls the Deployment's pods. */
export function contentAddressedName(base: string, data: Record<string, string>): string {
    const canonical = JSON.stringify(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
    return `${base}-${createHash("sha256").update(canonical).digest("hex").slice(0, 10)}`;
}

/**
 * A valid label value (at most 63 characters, alphanumeric at both ends) from free text such as
 * an image tag, which may be 128 characters and start with "_" or end with "." or "-".
 */
export function labelSafe(text: string): string {
    return text
        .replace(/^[^A-Za-z0-9]+/, "")
        .slice(0, 63)
        .replace(/[^A-Za-z0-9]+$/, "");
}

/** The app's version label from its image: the tag (also of repo:tag@sha256:...), else the digest's first 12 hex digits. */
export function imageVersion(image: string): string {
    const [name, digest] = image.split("@sha256:");
    const tagAt = name.indexOf(":", name.lastIndexOf("/") + 1);
    const tag = tagAt < 0 ? "" : labelSafe(name.slice(tagAt + 1));
    return tag || (digest ?? "").slice(0, 12) || "unversioned";
}

/** The labels that select the app's pods (Deployment, Service, PDB, topology spread). */
export function appSelector(app: Pick<AppConfig, "name">): Record<string, string> {
    return { "app.kubernetes.io/name": app.name };
}

/** Labels of every object of the app; the stage label lets policies apply stage rules. */
export function appLabels(app: Pick<AppConfig, "name">, stage: Stage): Record<string, string> {
    return {
        ...appSelector(app),
        "app.kubernetes.io/part-of": "eks-platform",
        "app.kubernetes.io/managed-by": "pulumi",
        "eks-platform/stage": stage,
    };
}

export interface PodSpecInput {
    app: AppConfig;
    stage: Stage;
    configMapName: pulumi.Input<string>;
    /** The app's Secret, when it has secret variables. */
    secretName?: pulumi.Input<string>;
    /** Mount the service account token: the app calls the API, or an injected Datadog agent does. */
    mountToken: boolean;
}

/** The Deployment's spec. `replicas` is left out when an HPA owns the count. */
export function deploymentSpec(input: PodSpecInput) {
    const { app } = input;
    const selector = appSelector(app);
    const timing = shutdownTiming(app.deregistrationDelaySeconds, app.shutdownSeconds);
    const httpGet = (path: string) => ({ httpGet: { path, port: "http" } });
    const zoneSpread = stageProfile(input.stage).zoneSpread;
    return {
        ...(app.autoscaling ? {} : { replicas: app.replicas ?? stageProfile(input.stage).appReplicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        // Never below the current capacity during a rollout.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
        template: {
            metadata: {
                labels: {
                    ...appLabels(app, input.stage),
                    "tags.datadoghq.com/env": input.stage,
                    "tags.datadoghq.com/service": app.name,
                    "tags.datadoghq.com/version": imageVersion(app.image),
                },
            },
            spec: {
                serviceAccountName: app.name,
                automountServiceAccountToken: input.mountToken,
                terminationGracePeriodSeconds: timing.terminationGracePeriodSeconds,
                securityContext: {
                    runAsNonRoot: true,
                    // An image whose USER is a name needs a number here: the kubelet verifies non-root by UID.
                    ...(app.runAsUser !== undefined ? { runAsUser: app.runAsUser } : {}),
                    seccompProfile: { type: "RuntimeDefault" },
                },
                // Only on nodes of an architecture the image is built for (else `exec format error`).
                ...(app.architectures
                    ? {
                          affinity: {
                              nodeAffinity: {
                                  requiredDuringSchedulingIgnoredDuringExecution: {
                                      nodeSelectorTerms: [
                                          { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: app.architectures }] },
                                      ],
                                  },
                              },
                          },
                      }
                    : {}),
                topologySpreadConstraints: spreadConstraints(selector, { zone: zoneSpread, node: "ScheduleAnyway" }),
                containers: [
                    {
                        name: APP_CONTAINER,
                        image: app.image,
                        ports: [{ name: "http", containerPort: app.port, protocol: "TCP" }],
                        envFrom: [
                            { configMapRef: { name: input.configMapName } },
                            ...(input.secretName ? [{ secretRef: { name: input.secretName } }] : []),
                        ],
                        resources: app.resources,
                        // Timeouts said, not Kubernetes' 1 s default: a GC pause must not fail a probe.
                        // Liveness, which restarts the container, waits longest.
                        startupProbe: {
                            ...httpGet(app.livenessPath ?? app.healthCheckPath),
                            periodSeconds: 5,
                            timeoutSeconds: 2,
                            failureThreshold: 30,
                        },
                        readinessProbe: { ...httpGet(app.healthCheckPath), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
                        livenessProbe: {
                            ...httpGet(app.livenessPath ?? app.healthCheckPath),
                            periodSeconds: 10,
                            timeoutSeconds: 5,
                            failureThreshold: 3,
                        },
                        // No drain to wait for without a deregistration delay: no hook (a 0 s sleep needs 1.33+).
                        ...(timing.preStopSleepSeconds > 0
                            ? { lifecycle: { preStop: { sleep: { seconds: timing.preStopSleepSeconds } } } }
                            : {}),
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            runAsNonRoot: true,
                            capabilities: { drop: ["ALL"] },
                        },
                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    },
                ],
                volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
            },
        },
    };
}
