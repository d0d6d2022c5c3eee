import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig, Stage } from "../../stacks/config";
import { API_ACCESS_ANNOTATION } from "../../stacks/schema/apps";
import { DatadogSidecar, SIDECAR_NAMESPACE_LABEL, SIDECAR_SECRET } from "../kube-system-addons/datadog-agent";
import {
    APP_CONTAINER,
    appLabels,
    appSelector,
    configData,
    contentAddressedName,
    deploymentSpec,
    namespaceLabels,
    secretEnvironment,
    SERVICE_PORT,
} from "./pod-spec";

/** The pure parts live in pod-spec.ts; importers of this module see them here too. */
export * from "./pod-spec";

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
                        // The app container's own CPU (ContainerResource, GA since Kubernetes 1.30, KEP-1610):
                        // a `Resource` metric averages over every container of the pod, so an injected
                        // sidecar's idle request (Datadog's agent on Fargate) keeps the average low and
                        // the app never scales.
                        metrics: [
                            {
                                type: "ContainerResource",
                                containerResource: {
                                    name: "cpu",
                                    container: APP_CONTAINER,
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
