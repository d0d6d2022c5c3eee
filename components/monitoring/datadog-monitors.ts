import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import type { DatadogThresholds } from "../../stacks/schema/datadog-monitors";
import type { Stage } from "../../stacks/config";
import { stageProfile } from "../../stacks/schema/stage";
import type { MonitorDefinition, MonitorInput } from "./monitor-definition";
import { nodeMonitors } from "./node-monitors";
import { workloadMonitors } from "./workload-monitors";

export interface DatadogMonitorsArgs {
    /** The EKS cluster's name, as the agent tags it (`kube_cluster_name`): a plain string, so monitors never wait for the cluster. */
    clusterName: string;
    stage: Stage;
    /** Thresholds and windows of the monitors, the stage's defaults decided. */
    thresholds: DatadogThresholds;
    /** The stage's Slack handle, `@slack-<account>-<channel>`. */
    slackHandle: pulumi.Input<string>;
    /** Extra handles for critical alerts in prd (a pager). */
    pageHandles: string[];
    /** Runbook page; each monitor links to its own anchor. */
    runbookUrl: string;
    provider: datadog.Provider;
}

export type { MonitorDefinition, MonitorInput };

/**
 * Every monitor of the cluster: its workloads' (Datadog's recommended Kubernetes monitors among
 * them) and its nodes' and capacity's.
 */
export function monitorDefinitions(input: MonitorInput): MonitorDefinition[] {
    return [...workloadMonitors(input), ...nodeMonitors(input)];
}

/** The notification text: what, where, what to check first, the runbook, and who is told. */
export function monitorMessage(
    definition: MonitorDefinition,
    clusterName: string,
    runbookUrl: string,
    slackHandle: string,
    pageHandles: string[],
): string {
    const runbook = `${runbookUrl.split("#")[0]}#${definition.key}`;
    // A monitor that alerts on no data (its metric gone means the cluster's monitors are blind)
    // pages on no data too: {{#is_alert}} alone never fires for it ({{#is_no_data}}: docs.datadoghq.com/monitors/notify/variables).
    const handles = pageHandles.join(" ");
    const page =
        pageHandles.length === 0
            ? ""
            : `\n{{#is_alert}}${handles}{{/is_alert}}${definition.notifyNoData ? `{{#is_no_data}}${handles}{{/is_no_data}}` : ""}`;
    return [
        `**What:** ${definition.what}`,
        `**Where:** cluster ${clusterName}, ${definition.where}.`,
        monitorValueLine(definition),
        `**Check first:** ${definition.checkFirst}`,
        `**Runbook:** ${runbook}`,
        "",
        `${slackHandle}${page}`,
    ].join("\n");
}

/**
 * The value that triggered, against the threshold it crossed (template variables {{value}},
 * {{threshold}}, {{warn_threshold}}: docs.datadoghq.com/monitors/notify/variables); on no data
 * there is no value, and the line says so.
 */
export function monitorValueLine(definition: MonitorDefinition): string {
    const warning = definition.thresholds.warning === undefined ? "" : "{{#is_warning}}, warning at {{warn_threshold}}{{/is_warning}}";
    const value = `{{^is_no_data}}**Value:** {{value}} (alert at {{threshold}}${warning}){{/is_no_data}}`;
    return definition.notifyNoData ? `${value}{{#is_no_data}}**Value:** no data{{/is_no_data}}` : value;
}

/** Critical alerts in prd are priority 1 (page); elsewhere 3. */
export function monitorPriority(stage: Stage): string {
    return stageProfile(stage).monitorPriority;
}

/**
 * The Kubernetes health monitors of the cluster, scoped by its `kube_cluster_name` tag and grouped
 * so an alert names the pod. They depend on the Slack handle and the Datadog provider only.
 */
export class DatadogMonitors extends pulumi.ComponentResource {
    readonly monitorIds: pulumi.Output<string[]>;

    constructor(name: string, args: DatadogMonitorsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:monitoring:DatadogMonitors", name, {}, opts);
        const pageHandles = stageProfile(args.stage).pages ? args.pageHandles : [];
        const monitors = monitorDefinitions({ clusterName: args.clusterName, thresholds: args.thresholds }).map(
            (definition) =>
                new datadog.Monitor(
                    `${name}-${definition.key}`,
                    {
                        name: definition.name,
                        type: "query alert",
                        query: definition.query,
                        message: pulumi
                            .output(args.slackHandle)
                            .apply((handle) => monitorMessage(definition, args.clusterName, args.runbookUrl, handle, pageHandles)),
                        monitorThresholds: {
                            critical: String(definition.thresholds.critical),
                            warning: definition.thresholds.warning === undefined ? undefined : String(definition.thresholds.warning),
                        },
                        notifyNoData: definition.notifyNoData,
                        noDataTimeframe: definition.noDataTimeframe,
                        requireFullWindow: false,
                        includeTags: true,
                        renotifyInterval: stageProfile(args.stage).renotifyMinutes,
                        priority: monitorPriority(args.stage),
                        tags: [`env:${args.stage}`, `kube_cluster_name:${args.clusterName}`, "service:eks-platform", "managed-by:pulumi"],
                    },
                    { parent: this, provider: args.provider },
                ),
        );
        this.monitorIds = pulumi.all(monitors.map((m) => m.id));
        this.registerOutputs({ monitorIds: this.monitorIds });
    }
}
