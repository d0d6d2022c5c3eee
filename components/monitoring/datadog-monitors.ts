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

/** The name suffix of a monitor that notifies through the composite named without it (the policy pack reads it). */
export const THROUGH_COMPOSITE_SUFFIX = " (evaluated, notifies through its composite)";

/** The message of a monitor that notifies through its composite: no handle, so no one is told twice. */
export const QUIET_MESSAGE =
    "Evaluated for its composite monitor of the same name, which notifies. No handle here, on purpose: a crash-looping workload is one alert.";

/**
 * Alerts for each group where `monitor` alerts and `covering` does not (Datadog composite
 * monitors: `&&`, `!`, per group of the tags both share).
 */
export function compositeQuery(monitor: pulumi.Input<string>, covering: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`${monitor} && !${covering}`;
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
        const common = {
            includeTags: true,
            renotifyInterval: stageProfile(args.stage).renotifyMinutes,
            priority: monitorPriority(args.stage),
            tags: [`env:${args.stage}`, `kube_cluster_name:${args.clusterName}`, "service:eks-platform", "managed-by:pulumi"],
        };
        const message = (definition: MonitorDefinition) =>
            pulumi
                .output(args.slackHandle)
                .apply((handle) => monitorMessage(definition, args.clusterName, args.runbookUrl, handle, pageHandles));
        const byKey = new Map<string, datadog.Monitor>();
        const monitors: datadog.Monitor[] = [];
        for (const definition of monitorDefinitions({ clusterName: args.clusterName, thresholds: args.thresholds })) {
            // A monitor another one's alert covers evaluates without telling anyone (no handle);
            // its composite, under the monitor's own name and key, notifies.
            const quiet = definition.quietWhile !== undefined;
            const monitor = new datadog.Monitor(
                quiet ? `${name}-${definition.key}-raw` : `${name}-${definition.key}`,
                {
                    ...common,
                    name: quiet ? `${definition.name}${THROUGH_COMPOSITE_SUFFIX}` : definition.name,
                    type: "query alert",
                    query: definition.query,
                    message: quiet ? QUIET_MESSAGE : message(definition),
                    monitorThresholds: {
                        critical: String(definition.thresholds.critical),
                        warning: definition.thresholds.warning === undefined ? undefined : String(definition.thresholds.warning),
                    },
                    notifyNoData: definition.notifyNoData,
                    noDataTimeframe: definition.noDataTimeframe,
                    requireFullWindow: false,
                },
                { parent: this, provider: args.provider },
            );
            byKey.set(definition.key, monitor);
            monitors.push(monitor);
            if (quiet) {
                const covering = byKey.get(definition.quietWhile!);
                if (!covering) {
                    throw new Error(`Monitor ${definition.key} is quiet while ${definition.quietWhile}, which is not defined before it`);
                }
                monitors.push(
                    new datadog.Monitor(
                        `${name}-${definition.key}`,
                        {
                            ...common,
                            name: definition.name,
                            type: "composite",
                            query: compositeQuery(monitor.id, covering.id),
                            message: message(definition),
                        },
                        { parent: this, provider: args.provider },
                    ),
                );
            }
        }
        this.monitorIds = pulumi.all(monitors.map((m) => m.id));
        this.registerOutputs({ monitorIds: this.monitorIds });
    }
}
