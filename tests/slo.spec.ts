/**
 * Availability objectives: the CloudWatch multi-window, multi-burn-rate alerts on each app's
 * target group, the Datadog SLO that mirrors the objective, the dashboard's service level panel,
 * and the config that sets them.
 */
import { expect } from "chai";
import { servicePanel } from "../components/monitoring/datadog-dashboards";
import { sloQuery, sloThreshold } from "../components/monitoring/datadog-slos";
import { burnRateAlerts, windowLabel } from "../components/monitoring/slo-alarms";
import { burnRate, DEFAULT_BURN_RATE_TIERS, errorRatioThreshold } from "../stacks/schema/slo";
import { COMPOSITE_ALARM, sloWindowAlarmsOf } from "./support/alarms";
import { configProblems } from "./support/config-problems";
import { transitiveDependencies } from "./support/graph";
import { ProgramRun, resourceNamed, resourcesOfType, runProgram } from "../offline/program-run";
import { FIXTURE_DIR, fixtureRun, fixtureSection } from "./support/fixtures";

const SLO = "datadog:index/serviceLevelObjective:ServiceLevelObjective";
const LB = "app/alb/50dc6c495c0c9188";
const TG = "targetgroup/alb-web/73e2d6bc24d8a067";

function composites(run: ProgramRun) {
    return Object.fromEntries(resourcesOfType(run, COMPOSITE_ALARM).map((c) => [c.name, c]));
}

describe("burn-rate alerts (CloudWatch)", () => {
    it("follow the SRE Workbook: 2% of a 30-day budget in 1 h is 14.4x, 5% in 6 h is 6x, 10% in 3 days is 1x", () => {
        expect(DEFAULT_BURN_RATE_TIERS.map((tier) => burnRate(tier, 30))).to.deep.equal([14.4, 6, 1]);
        expect(DEFAULT_BURN_RATE_TIERS.map((tier) => burnRate(tier, 7))).to.deep.equal([3.36, 1.4, 0.2333]);
        expect(errorRatioThreshold(14.4, 99.9)).to.equal(0.0144);
        expect(errorRatioThreshold(6, 99.5)).to.equal(0.03);
        expect([5, 60, 360, 4320, 90].map(windowLabel)).to.deep.equal(["5m", "1h", "6h", "3d", "90m"]);
    });

    it("prd: per tier of web's objective, a composite alarm ANDing its long and short window, posting to Slack", async () => {
        const run = await fixtureRun("prd");
        const topic = "arn:aws:sns:eu-west-1:123456789012:eks-platform-prd-alerts";
        const all = composites(run);
        expect(Object.keys(all)).to.deep.equal(["slo-alarms-web-slo-1h-5m", "slo-alarms-web-slo-6h-30m", "slo-alarms-web-slo-3d-6h"]);
        for (const [name, composite] of Object.entries(all)) {
            const long = resourceNamed(run, "aws:cloudwatch/metricAlarm:MetricAlarm", `${name}-long`);
            const short = resourceNamed(run, "aws:cloudwatch/metricAlarm:MetricAlarm", `${name}-short`);
            const arn = (alarm: typeof long) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarm.inputs.name}`;
            expect(composite.inputs.alarmRule).to.equal(`ALARM("${arn(long)}") AND ALARM("${arn(short)}")`);
            expect(composite.dependencies).to.include.members([long.urn, short.urn]);
            // Chatbot delivery: the recoveries' rule posts OK, so the composite has no OK action.
            expect(composite.inputs).to.deep.include({ actionsEnabled: true, alarmActions: [topic], okActions: [] });
            expect(long.inputs.name).to.equal(`${String(composite.inputs.alarmName).replace(/ \[(page|ticket)\]/, "")} long window`);
            // The windows notify no one themselves.
            for (const window of [long, short]) {
                expect(window.inputs).not.to.have.property("alarmActions");
                expect(window.inputs.tags).to.include({ AlertsThrough: "composite-alarm" });
            }
        }
        expect(all["slo-alarms-web-slo-1h-5m"].inputs.alarmName).to.equal("eks-platform-prd web SLO [page] burn 14.4x (1h and 5m)");
        expect(all["slo-alarms-web-slo-3d-6h"].inputs.alarmName).to.equal("eks-platform-prd web SLO [ticket] burn 1x (3d and 6h)");
    });

    it("prd: each window is one period of its length, the failed share of web's requests above a traffic floor", async () => {
        const windows = Object.fromEntries(sloWindowAlarmsOf(await fixtureRun("prd")).map((a) => [a.name, a.inputs]));
        // [window alarm, period (s), threshold (5XX share), traffic floor (500 requests a minute x window)]
        const expected: [string, number, number, number][] = [
            ["slo-alarms-web-slo-1h-5m-long", 3600, 0.0144, 30_000],
            ["slo-alarms-web-slo-1h-5m-short", 300, 0.0144, 2500],
            ["slo-alarms-web-slo-6h-30m-long", 21_600, 0.006, 180_000],
            ["slo-alarms-web-slo-6h-30m-short", 1800, 0.006, 15_000],
            ["slo-alarms-web-slo-3d-6h-long", 259_200, 0.001, 2_160_000],
            ["slo-alarms-web-slo-3d-6h-short", 21_600, 0.001, 180_000],
        ];
        expect(Object.keys(windows)).to.have.members(expected.map(([name]) => name));
        for (const [name, period, threshold, floor] of expected) {
            const alarm = windows[name];
            expect(alarm, name).to.deep.include({
                threshold,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                treatMissingData: "notBreaching",
            });
            const queries = alarm.metricQueries as any[];
            // Failed: the app's 5XX and the connections to its pods that failed (the ALB answers those itself).
            expect(queries.map((q) => q.metric?.metricName ?? q.expression)).to.deep.equal([
                "RequestCount",
                "HTTPCode_Target_5XX_Count",
                "TargetConnectionErrorCount",
                `IF(requests >= ${floor}, (FILL(errors, 0) + FILL(connectionErrors, 0)) / requests, 0)`,
            ]);
            for (const q of queries.filter((x) => x.metric)) {
                expect(q.metric, name).to.deep.equal({
                    namespace: "AWS/ApplicationELB",
                    metricName: q.metric.metricName,
                    dimensions: { LoadBalancer: LB, TargetGroup: TG },
                    period,
                    stat: "Sum",
                });
            }
            expect(queries.filter((q) => q.returnData).map((q) => q.id)).to.deep.equal(["ratio"]);
        }
    });

    it("tell Slack the burn rate, the objective and the budget left", async () => {
        const fast = composites(await fixtureRun("prd"))["slo-alarms-web-slo-1h-5m"].inputs.alarmDescription;
        expect(fast).to.equal(
            "[page] web is burning its error budget at 14.4x or faster: over the last 1h and 5m at least 1.44% of its requests failed (5XX or no connection). " +
                "Objective 99.9% over 30 days: a budget of 0.1% of requests. At this rate the whole budget lasts 50 h; 2% of it is already spent, so at most 98% is left. " +
                "Runbook: https://github.com/example/eks-platform/blob/main/docs/runbooks.md#slo-burn-rate",
        );
    });

    it("default the objective per stage: dev 99%, stg 99.5%, prd 99.9%", async () => {
        const threshold = async (stack: string) =>
            resourceNamed(await fixtureRun(stack), "aws:cloudwatch/metricAlarm:MetricAlarm", "slo-alarms-web-slo-1h-5m-long").inputs
                .threshold;
        expect(await threshold("dev")).to.equal(0.144);
        expect(await threshold("stg")).to.equal(0.072);
        expect(await threshold("prd")).to.equal(0.0144);
    });

    it("follow an app's own objective and the stack's own tiers", async () => {
        const apps = fixtureSection("stg", "apps");
        apps.web.slo = { availabilityPercent: 99.95, windowDays: 7 };
        const monitoring = fixtureSection("stg", "monitoring");
        monitoring.burnRateAlerts = [{ severity: "page", longWindowMinutes: 120, shortWindowMinutes: 10, budgetPercent: 5 }];
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "stg",
            overrides: { "eks-platform:apps": apps, "eks-platform:monitoring": monitoring },
        });
        expect(Object.keys(composites(run))).to.deep.equal(["slo-alarms-web-slo-2h-10m"]);
        // 5% of 7 days in 2 hours: 0.05 x 168 / 2 = 4.2x; 4.2 x 0.05% = 0.21%.
        expect(resourceNamed(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "slo-alarms-web-slo-2h-10m-short").inputs.threshold).to.equal(
            0.0021,
        );
        expect(resourceNamed(run, SLO, "slos-web").inputs.thresholds).to.deep.equal([{ timeframe: "7d", target: 99.95, warning: 99.975 }]);
    });

    it("wait for the ALB and the topic only, never the cluster", async () => {
        const run = await fixtureRun("prd");
        for (const alarm of [...resourcesOfType(run, COMPOSITE_ALARM), ...sloWindowAlarmsOf(run)]) {
            expect(
                [...transitiveDependencies(run, alarm)].filter((d) => /EksCluster|KubeSystemAddons|eks:index/.test(d)),
                alarm.name,
            ).to.deep.equal([]);
        }
    });

    it("exist for every app: two apps, twice the alerts", () => {
        const alerts = burnRateAlerts({
            namePrefix: "p",
            loadBalancer: LB,
            minRequestsPerMinute: 10,
            runbookUrl: "https://r",
            tiers: DEFAULT_BURN_RATE_TIERS,
            apps: {
                web: { targetGroups: [TG], slo: { availabilityPercent: 99.9, windowDays: 30 } },
                api: { targetGroups: ["targetgroup/api/1"], slo: { availabilityPercent: 99, windowDays: 90 } },
            },
        });
        expect(alerts.map((a) => [a.key, a.severity, a.burnRate, a.threshold])).to.deep.equal([
            ["web-slo-1h-5m", "page", 14.4, 0.0144],
            ["web-slo-6h-30m", "page", 6, 0.006],
            ["web-slo-3d-6h", "ticket", 1, 0.001],
            ["api-slo-1h-5m", "page", 43.2, 0.432],
            ["api-slo-6h-30m", "page", 18, 0.18],
            ["api-slo-3d-6h", "ticket", 3, 0.03],
        ]);
    });
});

describe("the Datadog SLO of each app", () => {
    it("counts the target group's responses without a 5XX against all of them, over the objective's window", async () => {
        const slo = resourceNamed(await fixtureRun("prd"), SLO, "slos-web").inputs;
        expect(slo).to.deep.include({ name: "[eks-platform-prd] web availability", type: "metric" });
        // Sums of response classes only: each is reported only when non-zero, so no subtraction.
        const count = (c: string) => `sum:aws.applicationelb.httpcode_target_${c}{targetgroup:${TG}}.as_count()`;
        expect(slo.query).to.deep.equal({
            numerator: ["2xx", "3xx", "4xx"].map(count).join(" + "),
            denominator: ["2xx", "3xx", "4xx", "5xx"].map(count).join(" + "),
        });
        expect(slo.thresholds).to.deep.equal([{ timeframe: "30d", target: 99.9, warning: 99.95 }]);
        expect(sloQuery(["targetgroup/Web/1"]).numerator).to.match(
            /^sum:aws\.applicationelb\.httpcode_target_2xx\{targetgroup:targetgroup\/web\/1\}\.as_count\(\) \+ /,
        );
        expect(sloThreshold({ availabilityPercent: 99, windowDays: 90 })).to.deep.equal({ timeframe: "90d", target: 99, warning: 99.5 });
    });

    it("sits on the app's dashboard with its budget, next to the burn rate of each alert tier", async () => {
        const run = await fixtureRun("prd");
        const dashboard = JSON.parse(
            resourceNamed(run, "datadog:index/dashboardJson:DashboardJson", "dashboards-web").inputs.dashboard as string,
        );
        const panel = dashboard.widgets.find((w: any) => w.definition.title === "Service level: web").definition.widgets;
        expect(panel[0].definition).to.deep.equal({
            type: "slo",
            title: "web availability (99.9% over 30 days)",
            slo_id: "slo8abcdef0123456789abcdef012345",
            view_type: "detail",
            view_mode: "overall",
            time_windows: ["30d"],
            show_error_budget: true,
        });
        const burn = panel[1].definition;
        // Trailing windows as the alarms see them: 5XX over all responses, divided by the budget.
        const trailing = (c: string, s: number) =>
            `moving_rollup(sum:aws.applicationelb.httpcode_target_${c}{targetgroup:${TG}}.as_count(), ${s}, 'sum')`;
        expect(burn.requests.map((r: any) => r.q)).to.deep.equal(
            [3600, 21_600, 259_200].map(
                (s) => `${trailing("5xx", s)} / (${["2xx", "3xx", "4xx", "5xx"].map((c) => trailing(c, s)).join(" + ")}) / 0.001`,
            ),
        );
        expect(burn.markers.map((m: any) => m.value)).to.deep.equal(["y = 14.4", "y = 6", "y = 1"]);
        const id = resourceNamed(run, SLO, "slos-web");
        expect(resourceNamed(run, "datadog:index/dashboardJson:DashboardJson", "dashboards-web").dependencies).to.include(id.urn);
        expect(
            servicePanel({
                app: "a",
                targetGroup: "tg",
                sloId: "x",
                slo: { availabilityPercent: 99.5, windowDays: 7 },
                tiers: DEFAULT_BURN_RATE_TIERS,
            }).definition.widgets as any[],
        ).to.have.length(2);
    });
});

describe("SLO config", () => {
    const withSlo = (slo: unknown) => {
        const apps = fixtureSection("prd", "apps");
        apps.web.slo = slo;
        return configProblems("prd", { overrides: { "eks-platform:apps": apps } });
    };
    const withTiers = (tiers: unknown) => {
        const monitoring = fixtureSection("prd", "monitoring");
        monitoring.burnRateAlerts = tiers;
        return configProblems("prd", { overrides: { "eks-platform:monitoring": monitoring } });
    };

    it("refuses an objective written as a fraction, one of 100%, and a window Datadog has no SLO for", () => {
        expect(withSlo({ availabilityPercent: 0.999, windowDays: 14 })).to.deep.equal([
            "[prd] eks-platform:apps.web.slo.availabilityPercent = 0.999: expected a percentage such as 99.9: 0.999 looks like a fraction (for 99.9% write 99.9)",
            "[prd] eks-platform:apps.web.slo.windowDays = 14: expected 7, 30 or 90 (the SLO windows Datadog takes)",
        ]);
        expect(withSlo({ availabilityPercent: 100 })).to.deep.equal([
            "[prd] eks-platform:apps.web.slo.availabilityPercent = 100: expected a percentage from 50 to below 100: at 100 there is no error budget to burn",
        ]);
    });

    it("refuses an objective with more decimals than a Datadog SLO takes, and keeps the warning within them", () => {
        expect(withSlo({ availabilityPercent: 99.9999 })).to.deep.equal([
            "[prd] eks-platform:apps.web.slo.availabilityPercent = 99.9999: expected at most 3 decimals, which a Datadog metric SLO's target takes: 99.9999 has 4 (such as 99.999)",
        ]);
        expect(sloThreshold({ availabilityPercent: 99.995, windowDays: 30 })).to.deep.equal({
            timeframe: "30d",
            target: 99.995,
            warning: 99.997,
        });
        expect(sloThreshold({ availabilityPercent: 99.95, windowDays: 30 })).to.deep.equal({
            timeframe: "30d",
            target: 99.95,
            warning: 99.975,
        });
        // No three-decimal value lies between 99.999 and 100: no warning rather than one Datadog refuses.
        expect(sloThreshold({ availabilityPercent: 99.999, windowDays: 7 })).to.deep.equal({ timeframe: "7d", target: 99.999 });
    });

    it("refuses an objective so loose that the fastest tier could never fire", () => {
        expect(withSlo({ availabilityPercent: 93 })).to.deep.equal([
            "[prd] eks-platform:apps.web.slo.availabilityPercent = 93: expected an objective whose burn-rate alerts can fire: tier 0 (14.4x) would need 100.8% of requests to fail; aim at 93.06% or more, or lower that tier's budgetPercent",
        ]);
    });

    it("refuses tiers CloudWatch cannot evaluate or that repeat", () => {
        expect(
            withTiers([
                { severity: "page", longWindowMinutes: 60, shortWindowMinutes: 60, budgetPercent: 2 },
                { severity: "ticket", longWindowMinutes: 14 * 24 * 60, shortWindowMinutes: 60, budgetPercent: 10 },
                { severity: "page", longWindowMinutes: 60, shortWindowMinutes: 60, budgetPercent: 5 },
            ]),
        ).to.deep.equal([
            "[prd] eks-platform:monitoring.burnRateAlerts.0.shortWindowMinutes = 60: expected a short window below the long one (60 minutes), about 1/12 of it: it confirms the burn is still going on",
            "[prd] eks-platform:monitoring.burnRateAlerts.1.longWindowMinutes = 20160: expected at most 10080 minutes (7 days): CloudWatch evaluates an alarm over 7 days at most",
            '[prd] eks-platform:monitoring.burnRateAlerts.2 = {"severity":"page","longWindowMinutes":60,"shortWindowMinutes":60,"budgetPercent":5}: expected windows of its own: tier 0 has the same long and short windows',
            "[prd] eks-platform:monitoring.burnRateAlerts.2.shortWindowMinutes = 60: expected a short window below the long one (60 minutes), about 1/12 of it: it confirms the burn is still going on",
        ]);
    });
});
