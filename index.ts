/**
 * Composition root: load and validate the stack's config, build the components in dependency
 * order, export what a user needs. Components never read config themselves.
 */
import { AppLoadBalancer } from "./components/app/app-load-balancer";
import { Network } from "./components/network";
import { buildMonitoring } from "./composition/monitoring";
import { buildClusterSlot } from "./composition/slot";
import { loadStackConfig } from "./stacks/config";
import { stageProfile } from "./stacks/schema/stage";

export = async () => {
    // Throws one error listing every config problem before any resource is registered.
    const config = loadStackConfig();
    const protect = stageProfile(config.stage).protect;
    const apps = Object.values(config.apps);

    const network = new Network("network", {
        cidr: config.network.cidr,
        availabilityZones: config.network.availabilityZones,
        natGateways: config.network.natGateways,
        clusterNames: config.slots.map((s) => s.cluster.name),
        protect,
        tags: config.tags,
    });

    // The ALB lives outside the clusters: each slot's target groups take their share of every
    // app's requests, so a cluster is replaced behind it without a DNS change.
    const alb =
        apps.length === 0
            ? undefined
            : new AppLoadBalancer("alb", {
                  vpcId: network.vpcId,
                  vpcCidr: config.network.cidr,
                  publicSubnetIds: network.publicSubnetIds,
                  apps: apps.map((app) => ({
                      name: app.name,
                      port: app.port,
                      healthCheckPath: app.healthCheckPath,
                      hosts: app.hosts,
                      pathPrefix: app.pathPrefix,
                      deregistrationDelaySeconds: app.deregistrationDelaySeconds,
                  })),
                  slots: config.slots.map(({ slot, weight }) => ({ slot, weight })),
                  certificateArn: config.loadBalancer.certificateArn,
                  sslPolicy: config.loadBalancer.sslPolicy,
                  allowedCidrs: config.loadBalancer.allowedCidrs,
                  accessLogs: config.loadBalancer.accessLogs,
                  accessLogRetentionDays: config.loadBalancer.accessLogRetentionDays,
                  deletionProtection: config.loadBalancer.deletionProtection,
                  idleTimeoutSeconds: config.loadBalancer.idleTimeoutSeconds,
                  tags: config.tags,
              });

    // A slot that serves no traffic is not protected, so removing it from config can delete it;
    // the one that serves traffic is, as a single cluster is (docs/blue-green.md).
    const slots = config.slots.map((slot) =>
        buildClusterSlot(
            config,
            slot,
            network,
            alb && {
                securityGroupId: alb.securityGroupId,
                targetGroupArns: Object.fromEntries(apps.map((app) => [app.name, alb.targetGroups[app.name][slot.slot]!.arn])),
            },
            protect && slot.weight > 0,
        ),
    );
    const monitoring = buildMonitoring(config, alb);

    // A single-cluster stack's outputs keep their shape; a second slot adds its own, suffixed.
    const perSlot = <T>(value: (built: (typeof slots)[number]) => T): Record<string, T> =>
        Object.fromEntries(slots.map((built) => [built.slot, value(built)]));
    // The top-level cluster outputs name the slot serving most traffic (blue on a tie), so
    // `pulumi stack output kubeconfig` reaches the cluster users are on.
    const serving = slots.reduce((best, built) => (built.weight > best.weight ? built : best));
    return {
        clusterName: serving.cluster.clusterName,
        kubeconfig: serving.cluster.kubeconfig,
        ...(slots.length > 1 || serving.slot !== "blue"
            ? {
                  slots: perSlot((built) => ({
                      clusterName: built.cluster.clusterName,
                      kubeconfig: built.cluster.kubeconfig,
                      weight: built.weight,
                  })),
              }
            : {}),
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicSubnetIds: network.publicSubnetIds,
        nodeGroupNames: {
            managed: serving.cluster.managedNodeGroupNames,
            selfManaged: serving.cluster.selfManagedAsgNames,
        },
        addonReleases: serving.addons.releaseNames,
        appUrls: alb?.urls ?? {},
        albDnsName: alb?.dnsName,
        alertsTopicArn: monitoring.topicArn,
        dashboardUrls: monitoring.dashboardUrls,
        appNamespaces: Object.fromEntries(serving.releases.map((release, i) => [apps[i].name, release.namespace])),
    };
};
