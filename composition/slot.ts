/**
 * One cluster slot: its EksCluster, kube-system addons and a release of every app bound to the
 * slot's target groups. Slot blue (and a single `eks-platform:cluster`) keeps the names stacks
 * have always had; slot green's logical names end in `-g` (short: Pulumi autonames several AWS
 * resources after them within AWS's length limits), so two slots never share a URN or a name.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppRelease } from "../components/app/app-release";
import { EksCluster } from "../components/cluster/eks-cluster";
import { addonNamespaces, KubeSystemAddons } from "../components/kube-system-addons";
import { Network } from "../components/network";
import type { ClusterSlotConfig, PlatformConfig, Slot } from "../stacks/config";
import { runnerCidrsInsideVpc } from "../stacks/schema/ci";
import { slotName } from "../stacks/schema/slots";

/** What a slot's app releases bind to on the shared ALB. */
export interface SlotLoadBalancer {
    readonly securityGroupId: pulumi.Output<string>;
    /** Per app, this slot's target group ARN. */
    readonly targetGroupArns: Record<string, pulumi.Output<string>>;
}

export interface BuiltSlot {
    readonly slot: Slot;
    /** Percent of each app's requests the slot serves. */
    readonly weight: number;
    readonly cluster: EksCluster;
    readonly addons: KubeSystemAddons;
    readonly releases: AppRelease[];
}

export function buildClusterSlot(
    config: PlatformConfig,
    { slot, weight, cluster: settings, addons: addonSettings }: ClusterSlotConfig,
    network: Network,
    alb: SlotLoadBalancer | undefined,
    protect: boolean,
): BuiltSlot {
    const apps = Object.values(config.apps);
    const cluster = new EksCluster(slotName("eks", slot), {
        clusterName: settings.name,
        kubernetesVersion: settings.kubernetesVersion,
        upgradePolicy: settings.upgradePolicy,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        serviceCidr: settings.serviceCidr,
        publicAccess: settings.endpoint.publicAccess,
        publicAccessCidrs: settings.endpoint.publicAccessCidrs,
        adminRoleArns: settings.adminRoleArns,
        previewRoleArn: config.ci.previewRoleArn,
        privateEndpointClientCidrs: runnerCidrsInsideVpc(config.ci.runnerCidrs, config.network.cidr),
        logTypes: settings.logTypes,
        logRetentionDays: settings.logRetentionDays,
        nodeGroups: settings.nodeGroups,
        autoscaler: settings.autoscaler,
        fargateNamespaces: settings.fargateOnly ? [...addonNamespaces(addonSettings), ...apps.map((app) => app.namespace)] : undefined,
        protect,
        tags: config.tags,
    });

    // What every pod needs before it can run: a node (or Fargate) and cluster DNS.
    const podsCanRun = [...cluster.compute, cluster.coreDns];
    const addons = new KubeSystemAddons(slotName("eks-addons", slot), {
        clusterName: cluster.clusterName,
        kubernetesVersion: cluster.kubernetesVersion,
        region: config.region,
        vpcId: network.vpcId,
        stage: config.stage,
        provider: cluster.provider,
        podIdentityAgent: cluster.podIdentityAgent,
        compute: podsCanRun,
        addons: addonSettings,
        datadog: config.datadog,
        fargateOnly: settings.fargateOnly,
        serviceAccountOidc: cluster.serviceAccountOidc,
        selfManagedAsgs: cluster.selfManagedAsgs,
        karpenter: cluster.karpenterNodeRole && {
            nodeRole: cluster.karpenterNodeRole,
            nodeAccess: cluster.karpenterNodeAccess!,
            subnetIds: network.privateSubnetIds,
            securityGroupId: cluster.clusterSecurityGroupId,
            clusterEndpoint: cluster.endpoint,
            nodePools: settings.nodePools,
        },
        tags: config.tags,
    });

    const releases = alb
        ? apps.map(
              (app) =>
                  new AppRelease(slotName(app.name, slot), {
                      app,
                      stage: config.stage,
                      kubernetesVersion: cluster.kubernetesVersion,
                      targetGroupArn: alb.targetGroupArns[app.name],
                      albSecurityGroupId: alb.securityGroupId,
                      loadBalancerController: addons.loadBalancerController,
                      // With Karpenter, apps run on the nodes its NodePools provision.
                      compute: [...podsCanRun, ...addons.nodePools],
                      datadogSidecar: addons.datadogSidecar,
                      provider: cluster.provider,
                  }),
          )
        : [];
    return { slot, weight, cluster, addons, releases };
}
