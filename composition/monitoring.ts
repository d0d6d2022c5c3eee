/**
 * The stack's alerting: the Slack route, CloudWatch alarms on the shared ALB and every slot's
 * target groups, each app's objective across its slots, and per slot the Datadog monitors and
 * dashboards of its cluster. None of it waits for a cluster: it is in place before a cluster
 * finishes and keeps working while one is replaced.
 */
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { AppLoadBalancer } from "../components/app/app-load-balancer";
import { AlbAlarms } from "../components/monitoring/alb-alarms";
import { DatadogDashboards } from "../components/monitoring/datadog-dashboards";
import { DatadogMonitors } from "../components/monitoring/datadog-monitors";
import { DatadogSlos } from "../components/monitoring/datadog-slos";
import { SlackNotifications } from "../components/monitoring/slack-notifications";
import { SloAlarms } from "../components/monitoring/slo-alarms";
import type { PlatformConfig, Slot } from "../stacks/config";
import { slotName } from "../stacks/schema/slots";

export interface StackMonitoring {
    readonly topicArn: pulumi.Output<string>;
    /** Per dashboard (its key, `<key>-g` for slot green's): its URL. */
    readonly dashboardUrls: Record<string, pulumi.Output<string>>;
}

/** A slot's target groups' suffixes, by app (blue) or `<app>-g`: its alarms' keys. */
function slotTargetGroups(alb: AppLoadBalancer, slot: Slot): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(
        Object.entries(alb.targetGroups).flatMap(([app, groups]) => (groups[slot] ? [[slotName(app, slot), groups[slot]!.arnSuffix]] : [])),
    );
}

export function buildMonitoring(config: PlatformConfig, alb: AppLoadBalancer | undefined): StackMonitoring {
    const namePrefix = `eks-platform-${config.stack}`;
    const apps = Object.values(config.apps);
    const slots = config.slots.map((s) => s.slot);
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
        notifierFailureEmail: slack.notifierFailureEmail,
        channelName: slack.channelName,
        datadog: datadogProvider && { account: slack.datadogAccount!, provider: datadogProvider },
        tags: config.tags,
    });
    // Each app's objective, measured on its target groups in every slot: burn-rate alarms and
    // Datadog SLOs stay one per app while traffic moves between slots.
    const sloApps = Object.fromEntries(
        alb
            ? apps.map((app) => [
                  app.name,
                  { targetGroups: slots.map((slot) => alb.targetGroups[app.name][slot]!.arnSuffix), slo: app.slo },
              ])
            : [],
    );
    if (alb) {
        new AlbAlarms("alb-alarms", {
            namePrefix,
            loadBalancerArnSuffix: alb.arnSuffix,
            targetGroupArnSuffixes: Object.assign({}, ...slots.map((slot) => slotTargetGroups(alb, slot))),
            thresholds: config.monitoring.alb,
            topicArn: notifications.topicArn,
            okActions: notifications.okActions,
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
            okActions: notifications.okActions,
            tags: config.tags,
        });
    }
    // Datadog monitors and dashboards read what the agent sends: none without it.
    const dashboardUrls: Record<string, pulumi.Output<string>> = {};
    if (!datadogProvider || !notifications.datadogHandle) {
        return { topicArn: notifications.topicArn, dashboardUrls };
    }
    const slos =
        alb &&
        new DatadogSlos("slos", {
            clusterName: config.slots[0].cluster.name,
            stage: config.stage,
            apps: sloApps,
            provider: datadogProvider,
        });
    for (const { slot, cluster } of config.slots) {
        // Each cluster's monitors name it, so an alert says which slot fired.
        new DatadogMonitors(slotName("monitors", slot), {
            clusterName: cluster.name,
            stage: config.stage,
            thresholds: config.monitoring.datadog,
            slackHandle: notifications.datadogHandle,
            pageHandles: config.monitoring.pageHandles,
            runbookUrl: config.monitoring.runbookUrl,
            provider: datadogProvider,
        });
        const urls = new DatadogDashboards(slotName("dashboards", slot), {
            clusterName: cluster.name,
            namespaces: [...apps.map((app) => app.namespace), "kube-system"],
            services: slos
                ? Object.fromEntries(
                      apps.map((app) => [
                          app.namespace,
                          {
                              app: app.name,
                              targetGroup: alb.targetGroups[app.name][slot]!.arnSuffix,
                              sloId: slos.ids[app.name],
                              slo: app.slo,
                              tiers: config.monitoring.burnRateAlerts,
                          },
                      ]),
                  )
                : {},
            provider: datadogProvider,
        }).urls;
        for (const [key, url] of Object.entries(urls)) {
            dashboardUrls[slotName(key, slot)] = url;
        }
    }
    return { topicArn: notifications.topicArn, dashboardUrls };
}
