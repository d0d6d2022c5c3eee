/**
 * A Datadog SLO object per app, mirroring its availability objective: good requests are the
 * app's target group requests without a 5XX, from Datadog's AWS integration (ApplicationELB).
 * The CloudWatch burn-rate alarms page; this is where the budget left is read, on the app's
 * dashboard.
 */
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { MAX_SLO_TARGET_DECIMALS, type Slo } from "../../stacks/schema/slo";
import type { Stage } from "../../stacks/config";
import { ALB_METRICS } from "./datadog-queries";

export interface SloApp {
    /** The `arnSuffix` (targetgroup/<name>/<id>, the `targetgroup` tag of its metrics) of the app's target group in each slot. */
    targetGroups: pulumi.Input<string>[];
    slo: Slo;
}

export interface DatadogSlosArgs {
    clusterName: string;
    stage: Stage;
    apps: Record<string, SloApp>;
    provider: datadog.Provider;
}

/**
 * Good and total events of an app's target group, as counts (metric SLOs sum counts): its
 * responses by class, good being all but 5XX. Sums only, no subtraction: each class is reported
 * only when non-zero, and a sum of the classes is what the other side sums too.
 */
export function sloQuery(targetGroups: string[]): { numerator: string; denominator: string } {
    return {
        numerator: responses(targetGroups, ["2xx", "3xx", "4xx"]),
        denominator: responses(targetGroups, ["2xx", "3xx", "4xx", "5xx"]),
    };
}

/**
 * `sum:...{targetgroup:<tg>}.as_count()` of each response class, added. Blue/green slots' target
 * groups are one scope (`targetgroup IN (...)`, Datadog's boolean tag filter), so a target group
 * that has not reported yet (green at weight 0) adds no term that could be missing.
 */
export function responses(targetGroups: string[], classes: string[]): string {
    // Datadog lowercases tag values.
    const values = targetGroups.map((tg) => tg.toLowerCase());
    const scope = values.length === 1 ? `{targetgroup:${values[0]}}` : `{targetgroup IN (${values.join(", ")})}`;
    return classes
        .map((c) => {
            const metric = ALB_METRICS.find((m) => m.endsWith(`_${c}`))!;
            return `sum:${metric}${scope}.as_count()`;
        })
        .join(" + ");
}

/**
 * The SLO's threshold: the objective over its window, warning halfway through the budget. Both
 * carry at most the decimals Datadog takes (MAX_SLO_TARGET_DECIMALS), the warning rounded down and
 * above the target; with no such value (99.999 leaves none below 100) there is no warning.
 */
export function sloThreshold(slo: Slo): { timeframe: string; target: number; warning?: number } {
    const scale = 10 ** MAX_SLO_TARGET_DECIMALS;
    const halfway = Math.floor((slo.availabilityPercent + (100 - slo.availabilityPercent) / 2) * scale + 1e-6) / scale;
    const threshold = { timeframe: `${slo.windowDays}d`, target: slo.availabilityPercent };
    return halfway > slo.availabilityPercent ? { ...threshold, warning: halfway } : threshold;
}

export class DatadogSlos extends pulumi.ComponentResource {
    /** Per app, the SLO's id (for the dashboard's SLO widget). */
    readonly ids: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: DatadogSlosArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:monitoring:DatadogSlos", name, {}, opts);
        this.ids = {};
        for (const [app, { targetGroups, slo }] of Object.entries(args.apps)) {
            const objective = new datadog.ServiceLevelObjective(
                `${name}-${app}`,
                {
                    name: `[${args.clusterName}] ${app} availability`,
                    type: "metric",
                    description: `Share of ${app}'s requests (its ALB target group) answered without a 5XX. Objective ${slo.availabilityPercent}% over ${slo.windowDays} days; CloudWatch burn-rate alarms page on it. Managed by eks-platform (Pulumi).`,
                    query: pulumi.all(targetGroups).apply(sloQuery),
                    thresholds: [sloThreshold(slo)],
                    tags: [`env:${args.stage}`, `kube_cluster_name:${args.clusterName}`, `service:${app}`, "managed-by:pulumi"],
                },
                { parent: this, provider: args.provider },
            );
            this.ids[app] = objective.id;
        }
        this.registerOutputs({ ids: this.ids });
    }
}
