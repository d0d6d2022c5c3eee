import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig, Stage } from "../../stacks/config";
import { stageProfile } from "../../stacks/schema/stage";
import { API_ACCESS_ANNOTATION, looksSecret } from "../../stacks/schema/apps";
import { DatadogSidecar, SIDECAR_NAMESPACE_LABEL, SIDECAR_SECRET } from "../kube-system-addons/datadog-agent";

export interface AppReleaseArgs {
    /** The app's validated config: image, port, resources, probes, autoscaling, RDS values, password. */
    app: AppConfig;
    stage: Stage;
    /** The cluster's Kubernetes minor: Pod Security Standards are enforced at this version. */
    kubernetesVersion: string;
    /** The app's target group on the AppLoadBalancer. */
    targetGroupArn: pulumi.Input<string>;
    /** The ALB's security group: the only source allowed to reach the pods. */
    albSecurityGroupId: pulumi.Input<string>;
    /** The load balancer controller's release: its webhooks must answer before pods and bindings are created. */
    loadBalancerController?: pulumi.Resource;
    /** The node groups or Fargate profiles the pods run on. */
    compute: pulumi.Resource[];
    /** On a Fargate-only cluster: the Datadog agent is injected into the app's pods as a sidecar. */
    datadogSidecar?: DatadogSidecar;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
}

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
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                topologySpreadConstraints: [
                    {
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        whenUnsatisfiable: zoneSpread,
                        labelSelector: { matchLabels: selector },
                    },
                    {
                        maxSkew: 1,
                        topologyKey: "kubernetes.io/hostname",
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: selector },
                    },
                ],
                containers: [
                    {
                        name: "app",
                        image: app.image,
                        ports: [{ name: "http", containerPort: app.port, protocol: "TCP" }],
                        envFrom: [
                            { configMapRef: { name: input.configMapName } },
                            ...(input.secretName ? [{ secretRef: { name: input.secretName } }] : []),
                        ],
                        resources: app.resources,
                        startupProbe: { ...httpGet(app.livenessPath ?? app.healthCheckPath), periodSeconds: 5, failureThreshold: 30 },
                        readinessProbe: { ...httpGet(app.healthCheckPath), periodSeconds: 5, failureThreshold: 3 },
                        livenessProbe: { ...httpGet(app.livenessPath ?? app.healthCheckPath), periodSeconds: 10, failureThreshold: 3 },
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

/**
 * One web application in its own namespace: service account, RDS ConfigMap, password Secret,
 * Deployment, Service, autoscaler, disruption budget, and the TargetGroupBinding that puts its
 * pods behind the ALB. Removing the app from config removes all of it.
 */
export class AppRelease extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly deploymentName: pulumi.Output<string>;

    constructor(name: string, args: AppReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:app:AppRelease", name, {}, opts);
        const { app } = args;
        const child = { parent: this, provider: args.provider };
        const labels = appLabels(app, args.stage);
        const controller = args.loadBalancerController ? [args.loadBalancerController] : [];
        const sidecar = args.datadogSidecar;
        // The injected agent reads the kubelet and the API with the pod's service account.
        const mountToken = app.kubernetesApiAccess || sidecar !== undefined;

        const namespace = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    name: app.namespace,
                    labels: {
                        ...labels,
                        ...namespaceLabels(args.kubernetesVersion),
                        ...(sidecar ? { [SIDECAR_NAMESPACE_LABEL]: "fargate" } : {}),
                    },
                },
            },
            child,
        );
        const ns = namespace.metadata.name;

        const serviceAccount = new k8s.core.v1.ServiceAccount(
            name,
            {
                metadata: {
                    name: app.name,
                    namespace: ns,
                    labels,
                    // Declares the exception the service-account-token policy allows.
                    annotations: mountToken ? { [API_ACCESS_ANNOTATION]: "true" } : undefined,
                },
                automountServiceAccountToken: mountToken,
            },
            child,
        );
        const sidecarNeeds = sidecar ? this.datadogSidecarAccess(name, sidecar, ns, serviceAccount, labels, child) : [];

        const data = configData(app);
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            {
                metadata: { name: contentAddressedName(`${app.name}-config`, data), namespace: ns, labels },
                immutable: true,
                data,
            },
            child,
        );

        // The app's secret variables (the database password with rds); none, no Secret. An app
        // with rds keeps the name of the Secret that held the password alone, so stacks keep it.
        const secretData = secretEnvironment(app);
        const secretName = app.rds ? "db" : "secrets";
        const secret =
            Object.keys(secretData).length === 0
                ? undefined
                : new k8s.core.v1.Secret(
                      `${name}-${secretName}`,
                      {
                          metadata: { name: `${app.name}-${secretName}`, namespace: ns, labels },
                          type: "Opaque",
                          stringData: secretData,
                      },
                      child,
                  );

        const deployment = new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name: app.name, namespace: ns, labels },
                spec: deploymentSpec({
                    app,
                    stage: args.stage,
                    configMapName: configMap.metadata.name,
                    secretName: secret?.metadata.name,
                    mountToken,
                }),
            },
            { ...child, dependsOn: [serviceAccount, ...controller, ...args.compute, ...sidecarNeeds] },
        );

        const service = new k8s.core.v1.Service(
            name,
            {
                metadata: { name: app.name, namespace: ns, labels },
                spec: {
                    type: "ClusterIP",
                    selector: appSelector(app),
                    ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
                },
            },
            child,
        );

        if (app.autoscaling) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                name,
                {
                    metadata: { name: app.name, namespace: ns, labels },
                    spec: {
                        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                        minReplicas: app.autoscaling.minReplicas,
                        maxReplicas: app.autoscaling.maxReplicas,
                        metrics: [
                            {
                                type: "Resource",
                                resource: {
                                    name: "cpu",
                                    target: { type: "Utilization", averageUtilization: app.autoscaling.targetCpuUtilizationPercent },
                                },
                            },
                        ],
                        // Scale down slowly: a short dip in traffic must not drop capacity needed a minute later.
                        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
                    },
                },
                child,
            );
        }

        new k8s.policy.v1.PodDisruptionBudget(
            name,
            {
                metadata: { name: app.name, namespace: ns, labels },
                spec: { maxUnavailable: 1, selector: { matchLabels: appSelector(app) } },
            },
            child,
        );

        new k8s.apiextensions.CustomResource(
            name,
            {
                apiVersion: "elbv2.k8s.aws/v1beta1",
                kind: "TargetGroupBinding",
                metadata: { name: app.name, namespace: ns, labels },
                spec: {
                    serviceRef: { name: service.metadata.name, port: SERVICE_PORT },
                    targetGroupARN: args.targetGroupArn,
                    targetType: "ip",
                    // The controller opens the pods' security group to the ALB's, on the app's port only.
                    networking: {
                        ingress: [
                            {
                                from: [{ securityGroup: { groupID: args.albSecurityGroupId } }],
                                ports: [{ protocol: "TCP", port: app.port }],
                            },
                        ],
                    },
                },
            },
            { ...child, dependsOn: controller },
        );

        this.namespace = ns;
        this.deploymentName = deployment.metadata.name;
        this.registerOutputs({ namespace: this.namespace, deploymentName: this.deploymentName });
    }

    /**
     * What Datadog's EKS-on-Fargate setup asks of each app namespace: the `datadog-secret` the
     * injected agent reads, and its RBAC bound to the app's service account. Returns what the
     * pods must wait for, the cluster agent's webhook among them (it only mutates new pods).
     */
    private datadogSidecarAccess(
        name: string,
        sidecar: DatadogSidecar,
        ns: pulumi.Output<string>,
        serviceAccount: k8s.core.v1.ServiceAccount,
        labels: Record<string, string>,
        child: pulumi.CustomResourceOptions,
    ): pulumi.Resource[] {
        const secret = new k8s.core.v1.Secret(
            `${name}-datadog`,
            {
                metadata: { name: SIDECAR_SECRET, namespace: ns, labels },
                type: "Opaque",
                stringData: { "api-key": sidecar.apiKey, "token": sidecar.clusterAgentToken },
            },
            child,
        );
        const binding = new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-datadog-agent`,
            {
                metadata: { name: pulumi.interpolate`datadog-agent-fargate-${ns}`, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: sidecar.clusterRoleName },
                subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: ns }],
            },
            child,
        );
        return [secret, binding, sidecar.release];
    }
}
