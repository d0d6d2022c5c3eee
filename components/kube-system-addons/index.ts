import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AddonsConfig, Stage } from "../../stacks/config";
import type { AddonContext, ServiceAccountOidc } from "./addon";
import { DatadogSidecar, NAMESPACE as DATADOG_NAMESPACE, registerDatadogAgent } from "./datadog-agent";
import { registerClusterAutoscaler } from "./cluster-autoscaler";
import { KarpenterCompute, registerKarpenter } from "./karpenter";
import { registerLoadBalancerController } from "./aws-load-balancer-controller";
import { registerTerminationHandler, SelfManagedAsg } from "./aws-node-termination-handler";
import { NAMESPACE as EXTERNAL_DNS_NAMESPACE, registerExternalDns } from "./external-dns";
import { NAMESPACE as EXTERNAL_SECRETS_NAMESPACE, registerExternalSecrets } from "./external-secrets";
import { registerKubeStateMetrics } from "./kube-state-metrics";
import { registerMetricsServer } from "./metrics-server";
import { systemPlacement } from "../cluster/system-nodes";

export interface KubeSystemAddonsArgs {
    /** The cluster's name, as EksCluster outputs it (addons wait for the cluster). */
    clusterName: pulumi.Output<string>;
    kubernetesVersion: string;
    region: string;
    vpcId: pulumi.Input<string>;
    stage: Stage;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /** AWS-calling addons wait for it: their pods get credentials through it. */
    podIdentityAgent: pulumi.Resource;
    /** The node groups or Fargate profiles the addons run on: every release waits for them. */
    compute: pulumi.Resource[];
    /** Which addons are on, with their settings. */
    addons: AddonsConfig;
    /** Datadog site and API key (a secret), for the agent. */
    /** Site and API key; present when the datadog addon is on. */
    datadog?: { site: string; apiKey: pulumi.Output<string> };
    /** Every pod on Fargate: the Datadog agent runs as a sidecar, addon roles are assumed through the OIDC provider. */
    fargateOnly: boolean;
    /** The cluster's IAM OIDC provider: required on a Fargate-only cluster, where Pod Identity cannot serve. */
    serviceAccountOidc?: ServiceAccountOidc;
    /** Self-managed Auto Scaling groups the node termination handler drains. */
    selfManagedAsgs: SelfManagedAsg[];
    /** What Karpenter needs of the cluster, when it is the autoscaler. */
    karpenter?: KarpenterCompute;
    /** Tags on every AWS resource. */
    tags: Record<string, string>;
}

function requireOidc(oidc: ServiceAccountOidc | undefined): ServiceAccountOidc {
    if (!oidc) {
        throw new Error("KubeSystemAddons: a Fargate-only cluster needs serviceAccountOidc (EKS Pod Identity does not serve Fargate pods)");
    }
    return oidc;
}

/** Namespaces the enabled addons run in (a Fargate-only cluster needs a profile for each). */
export function addonNamespaces(addons: AddonsConfig): string[] {
    const namespaces = ["kube-system"];
    if (addons.datadog.enabled) namespaces.push(DATADOG_NAMESPACE);
    if (addons.externalSecrets.enabled) namespaces.push(EXTERNAL_SECRETS_NAMESPACE);
    if (addons.externalDns.enabled) namespaces.push(EXTERNAL_DNS_NAMESPACE);
    return namespaces;
}

/**
 * The kube-system addons a web service on EKS needs, each a pinned Helm release switched by
 * stack config: a switched-off addon registers nothing, so removing it from the config removes
 * its release, its namespace and its AWS role. Addons install in parallel once the cluster's
 * compute exists; any further order is a real one (an AWS-calling addon waits for its Pod
 * Identity association).
 */
export class KubeSystemAddons extends pulumi.ComponentResource {
    /** The load balancer controller's release, when enabled: whatever creates a TargetGroupBinding waits for it. */
    readonly loadBalancerController?: k8s.helm.v3.Release;
    /** Helm release names by addon. */
    readonly releaseNames: pulumi.Output<Record<string, string>>;
    /** On a Fargate-only cluster with Datadog on: what each app needs for the injected agent. */
    readonly datadogSidecar?: DatadogSidecar;
    /** Karpenter's NodePools: the capacity apps run on when Karpenter is the autoscaler. */
    readonly nodePools: pulumi.Resource[];

    constructor(name: string, args: KubeSystemAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:addons:KubeSystemAddons", name, {}, opts);

        const ctx: AddonContext = {
            componentName: name,
            parent: this,
            provider: args.provider,
            clusterName: args.clusterName,
            kubernetesVersion: args.kubernetesVersion,
            region: args.region,
            vpcId: args.vpcId,
            stage: args.stage,
            fargateOnly: args.fargateOnly,
            podIdentityAgent: args.podIdentityAgent,
            serviceAccountOidc: args.fargateOnly ? requireOidc(args.serviceAccountOidc) : undefined,
            compute: args.compute,
            // Karpenter is the autoscaler: the node groups are the controllers' (components/cluster/system-nodes.ts).
            systemNodes: args.karpenter && !args.fargateOnly ? systemPlacement() : undefined,
            tags: args.tags,
        };
        const { addons } = args;
        let datadogSidecar: DatadogSidecar | undefined;
        let nodePools: pulumi.Resource[] = [];

        const register: { [K in keyof AddonsConfig]: () => k8s.helm.v3.Release } = {
            clusterAutoscaler: () => registerClusterAutoscaler(ctx, addons.clusterAutoscaler),
            karpenter: () => {
                const karpenter = registerKarpenter(ctx, addons.karpenter, args.karpenter!);
                nodePools = karpenter.nodePools;
                return karpenter.release;
            },
            metricsServer: () => registerMetricsServer(ctx, addons.metricsServer),
            kubeStateMetrics: () => registerKubeStateMetrics(ctx, addons.kubeStateMetrics),
            datadog: () => {
                const datadog = registerDatadogAgent(ctx, addons.datadog, args.datadog!.site, args.datadog!.apiKey, args.fargateOnly);
                datadogSidecar = datadog.sidecar;
                return datadog.release;
            },
            awsLoadBalancerController: () => registerLoadBalancerController(ctx, addons.awsLoadBalancerController),
            nodeTerminationHandler: () => registerTerminationHandler(ctx, addons.nodeTerminationHandler, args.selfManagedAsgs),
            externalSecrets: () => registerExternalSecrets(ctx, addons.externalSecrets),
            externalDns: () => registerExternalDns(ctx, addons.externalDns),
        };
        const releases: Partial<Record<keyof AddonsConfig, k8s.helm.v3.Release>> = {};
        for (const addon of Object.keys(register) as (keyof AddonsConfig)[]) {
            if (addons[addon].enabled) {
                releases[addon] = register[addon]();
            }
        }

        this.loadBalancerController = releases.awsLoadBalancerController;
        this.datadogSidecar = datadogSidecar;
        this.nodePools = nodePools;
        this.releaseNames = pulumi.output(Object.fromEntries(Object.entries(releases).map(([addon, release]) => [addon, release!.name])));
        this.registerOutputs({ releaseNames: this.releaseNames });
    }
}
