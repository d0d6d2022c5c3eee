/**
 * Composition root: load and validate the stack's config, build the components in dependency
 * order, export what a user needs. Components never read config themselves.
 */
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { AlbAlarms } from "./components/monitoring/alb-alarms";
import { AppLoadBalancer } from "./components/app/app-load-balancer";
import { AppRelease } from "./components/app/app-release";
import { EksCluster } from "./components/cluster/eks-cluster";
import { DatadogDashboards } from "./components/monitoring/datadog-dashboards";
import { DatadogMonitors } from "./components/monitoring/datadog-monitors";
import { DatadogSlos } from "./components/monitoring/datadog-slos";
import { addonNamespaces, KubeSystemAddons } from "./components/kube-system-addons";
import { Network } from "./components/network";
import { SlackNotifications } from "./components/monitoring/slack-notifications";
import { SloAlarms } from "./components/monitoring/slo-alarms";
import { loadStackConfig } from "./stacks/config";
import { runnerCidrsInsideVpc } from "./stacks/schema/ci";
import { stageProfile } from "./stacks/schema/stage";

export = async () => {
    // Throws one error listing every config problem before any resource is registered.
    const config = loadStackConfig();
    const protect = stageProfile(config.stage).protect;
    // Physical names of the stage's alerting resources, unique in the account and region.
    const namePrefix = `eks-platform-${config.stack}`;
    const apps = Object.values(config.apps);
    const appNamespaces = apps.map((app) => app.namespace);

    const network = new Network("network", {
        cidr: config.network.cidr,
        availabilityZones: config.network.availabilityZones,
        natGateways: config.network.natGateways,
        clusterNames: [config.cluster.name],
        protect,
        tags: config.tags,
    });

    const cluster = new EksCluster("eks", {
        clusterName: config.cluster.name,
        kubernetesVersion: config.cluster.kubernetesVersion,
        upgradePolicy: config.cluster.upgradePolicy,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        serviceCidr: config.cluster.serviceCidr,
        publicAccess: config.cluster.endpoint.publicAccess,
        publicAccessCidrs: config.cluster.endpoint.publicAccessCidrs,
        adminRoleArns: config.cluster.adminRoleArns,
        previewRoleArn: config.ci.previewRoleArn,
        privateEndpointClientCidrs: runnerCidrsInsideVpc(config.ci.runnerCidrs, config.network.cidr),
        logTypes: config.cluster.logTypes,
        logRetentionDays: config.cluster.logRetentionDays,
        nodeGroups: config.cluster.nodeGroups,
        autoscaler: config.cluster.autoscaler,
        fargateNamespaces: config.cluster.fargateOnly ? [...addonNamespaces(config.addons), ...appNamespaces] : undefined,
        protect,
        tags: config.tags,
    });

    // What every pod needs before it can run: a node (or Fargate) and cluster DNS.
    const podsCanRun = [...cluster.compute, cluster.coreDns];
    const addons = new KubeSystemAddons("eks-addons", {
        clusterName: cluster.clusterName,
        kubernetesVersion: cluster.kubernetesVersion,
        region: config.region,
        vpcId: network.vpcId,
        stage: config.stage,
        provider: cluster.provider,
        podIdentityAgent: cluster.podIdentityAgent,
        compute: podsCanRun,
        addons: config.addons,
        datadog: config.datadog,
        fargateOnly: config.cluster.fargateOnly,
        serviceAccountOidc: cluster.serviceAccountOidc,
        selfManagedAsgs: cluster.selfManagedAsgs,
        karpenter: cluster.karpenterNodeRole && {
            nodeRole: cluster.karpenterNodeRole,
            nodeAccess: cluster.karpenterNodeAccess!,
            subnetIds: network.privateSubnetIds,
            securityGroupId: cluster.clusterSecurityGroupId,
            clusterEndpoint: cluster.endpoint,
            nodePools: config.cluster.nodePools,
        },
        tags: config.tags,
    });

    // The ALB lives outside the cluster, so a cluster can be replaced behind it.
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
                  certificateArn: config.loadBalancer.certificateArn,
                  sslPolicy: config.loadBalancer.sslPolicy,
                  allowedCidrs: config.loadBalancer.allowedCidrs,
                  accessLogs: config.loadBalancer.accessLogs,
                  accessLogRetentionDays: config.loadBalancer.accessLogRetentionDays,
                  deletionProtection: config.loadBalancer.deletionProtection,
                  idleTimeoutSeconds: config.loadBalancer.idleTimeoutSeconds,
                  tags: config.tags,
              });

    const releases = alb
        ? apps.map(
              (app) =>
                  new AppRelease(app.name, {
                      app,
                      stage: config.stage,
                      kubernetesVersion: cluster.kubernetesVersion,
                      targetGroupArn: alb.targetGroups[app.name].arn,
                      albSecurityGroupId: alb.securityGroupId,
                      loadBalancerController: addons.loadBalancerController,
                      // With Karpenter, apps run on the nodes its NodePools provision.
                      compute: [...podsCanRun, ...addons.nodePools],
                      datadogSidecar: addons.datadogSidecar,
                      provider: cluster.provider,
                  }),
          )
        : [];

    // Monitoring depends on the Slack channel and the ALB, never on the cluster: it is in place
    // before the cluster finishes and keeps working while a cluster is replaced.
    const datadogProvider =
        config.datadog &&
        new datadog.Provider("datadog", {
            apiKey: config.datadog.apiKey,
            appKey: config.datadog.appKey,
            apiUrl: `https://api.${config.datadog.site}/`,
        });
    const slack = config.monitoring.slack;
    const notifications = new SlackNotifications("alerts", {
        namePrefix,
        delivery: slack.delivery,
        workspaceId: slack.workspaceId,
        channelId: slack.channelId,
        webhookUrl: config.monitoring.slackWebhookUrl,
        channelName: slack.channelName,
        datadog: datadogProvider && { account: slack.datadogAccount!, provider: datadogProvider },
        tags: config.tags,
    });
    // Each app's objective, measured on its target group: burn-rate alarms and Datadog SLOs.
    const sloApps = Object.fromEntries(
        alb ? apps.map((app) => [app.name, { targetGroup: alb.targetGroups[app.name].arnSuffix, slo: app.slo }]) : [],
    );
    if (alb) {
        new AlbAlarms("alb-alarms", {
            namePrefix,
            loadBalancerArnSuffix: alb.arnSuffix,
            targetGroupArnSuffixes: Object.fromEntries(Object.entries(alb.targetGroups).map(([app, tg]) => [app, tg.arnSuffix])),
            thresholds: config.monitoring.alb,
            topicArn: notifications.topicArn,
            tags: config.tags,
        });
        new SloAlarms("slo-alarms", {
            namePrefix,
            loadBalancer: alb.arnSuffix,
            apps: sloApps,
            tiers: config.monitoring.burnRateAlerts,
            minRequestsPerMinute: config.monitoring.alb.minRequestsPerMinute,
            runbookUrl: config.monitoring.runbookUrl,
            topicArn: notifications.topicArn,
            tags: config.tags,
        });
    }
    // Datadog monitors and dashboards read what the agent sends: none without it.
    let dashboardUrls: Record<string, pulumi.Output<string>> = {};
    if (datadogProvider && notifications.datadogHandle) {
        new DatadogMonitors("monitors", {
            clusterName: config.cluster.name,
            stage: config.stage,
            thresholds: config.monitoring.datadog,
            slackHandle: notifications.datadogHandle,
            pageHandles: config.monitoring.pageHandles,
            runbookUrl: config.monitoring.runbookUrl,
            provider: datadogProvider,
        });
        const slos =
            alb &&
            new DatadogSlos("slos", {
                clusterName: config.cluster.name,
                stage: config.stage,
                apps: sloApps,
                provider: datadogProvider,
            });
        dashboardUrls = new DatadogDashboards("dashboards", {
            clusterName: config.cluster.name,
            namespaces: [...appNamespaces, "kube-system"],
            services: slos
                ? Object.fromEntries(
                      apps.map((app) => [
                          app.namespace,
                          {
                              app: app.name,
                              targetGroup: alb.targetGroups[app.name].arnSuffix,
                              sloId: slos.ids[app.name],
                              slo: app.slo,
                              tiers: config.monitoring.burnRateAlerts,
                          },
                      ]),
                  )
                : {},
            provider: datadogProvider,
        }).urls;
    }

    return {
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicSubnetIds: network.publicSubnetIds,
        nodeGroupNames: {
            managed: cluster.managedNodeGroupNames,
            selfManaged: cluster.selfManagedAsgNames,
        },
        addonReleases: addons.releaseNames,
        appUrls: alb?.urls ?? {},
        albDnsName: alb?.dnsName,
        alertsTopicArn: notifications.topicArn,
        dashboardUrls,
        appNamespaces: Object.fromEntries(releases.map((release, i) => [apps[i].name, release.namespace])),
    };
};
