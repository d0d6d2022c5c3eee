/**
 * The Datadog monitors: which exist in each stage, the exact query of each (metrics and tags the
 * agent emits, Datadog's recommended set covered), thresholds and windows from config, and the
 * query check that guards them.
 */
import { expect } from "chai";
import { monitorDefinitions, monitorMessage } from "../components/monitoring/datadog-monitors";
import { checkMonitorQuery, checkQuery } from "../components/monitoring/datadog-queries";
import { resolveDatadogThresholds } from "../stacks/schema/datadog-monitors";
import { monitoringSchema } from "../stacks/schema/monitoring";
import { configProblems } from "./support/config-problems";
import { transitiveDependencies } from "./support/graph";
import { resourceNamed, resourcesOfType, runProgram } from "../offline/program-run";
import { FIXTURE_DIR, fixtureRun, fixtureSection } from "./support/fixtures";

const MONITOR = "datadog:index/monitor:Monitor";
const CHANNEL: Record<string, string> = { dev: "@slack-acme-alerts-dev", stg: "@slack-acme-alerts-stg", prd: "@slack-acme-oncall-web" };

/** Monitors a crash loop covers: they notify through a composite `<monitor> && !crashloopbackoff`. */
const QUIET = ["container-restarts", "oomkilled", "terminated-abnormally"];

const KEYS = [
    "crashloopbackoff",
    "kube-state-metrics",
    "container-restarts",
    "deployment-availability",
    "cpu-of-limit",
    "memory-of-limit",
    "image-pull",
    "oomkilled",
    "terminated-abnormally",
    "failed-pods",
    "statefulset-replicas",
    "node-not-ready",
    "schedulable-nodes",
    "node-disk",
    "cluster-cpu-requests",
    "cluster-memory-requests",
];

const DEFAULT_THRESHOLDS = resolveDatadogThresholds(
    monitoringSchema.parse({ slack: { channelName: "x", datadogAccount: "a" } }).datadog,
    "stg",
);

/** The stg defaults' monitors, by key. */
function definitions(clusterName = "c", thresholds = DEFAULT_THRESHOLDS) {
    return Object.fromEntries(monitorDefinitions({ clusterName, thresholds }).map((d) => [d.key, d]));
}

describe("DatadogMonitors", () => {
    for (const stack of ["dev", "stg", "prd"]) {
        it(`${stack}: sixteen monitors scoped to the cluster, routed to the stage's Slack channel, each with its runbook`, async () => {
            const all = resourcesOfType(await fixtureRun(stack), MONITOR);
            const notifying = all.filter((m) => !m.name.endsWith("-raw"));
            expect(notifying.map((m) => m.name).sort()).to.deep.equal(KEYS.map((key) => `monitors-${key}`).sort());
            expect(all.filter((m) => m.name.endsWith("-raw")).map((m) => m.name)).to.deep.equal(QUIET.map((key) => `monitors-${key}-raw`));
            for (const monitor of all.filter((m) => m.inputs.type === "query alert")) {
                expect(monitor.inputs.query as string, monitor.name).to.contain(`kube_cluster_name:eks-platform-${stack}`);
                const thresholds = monitor.inputs.monitorThresholds as { critical: string; warning?: string };
                const problems = checkMonitorQuery(monitor.inputs.query as string, {
                    critical: Number(thresholds.critical),
                    warning: thresholds.warning === undefined ? undefined : Number(thresholds.warning),
                });
                expect(problems, monitor.name).to.deep.equal([]);
            }
            for (const monitor of notifying) {
                expect(monitor.inputs.message as string, monitor.name).to.contain(CHANNEL[stack]);
                expect(monitor.inputs.message as string).to.match(
                    /\*\*What:\*\*.+\n\*\*Where:\*\* cluster eks-platform-.+\n\{\{\^is_no_data\}\}\*\*Value:\*\* \{\{value\}\} \(alert at \{\{threshold\}\}.*\n\*\*Check first:\*\*.+\n\*\*Runbook:\*\* https:\/\/\S+#[a-z-]+/,
                );
                expect(monitor.inputs.message as string).to.contain(`#${monitor.name.replace(/^monitors-/, "")}\n`);
            }
        });
    }

    it("use the stage's thresholds: dev tolerates more restarts than prd", async () => {
        const restarts = async (stack: string) =>
            resourceNamed(await fixtureRun(stack), MONITOR, "monitors-container-restarts-raw").inputs.monitorThresholds;
        expect(await restarts("dev")).to.deep.equal({ critical: "5", warning: "3" });
        expect(await restarts("prd")).to.deep.equal({ critical: "3", warning: "2" });
        const availability = resourceNamed(await fixtureRun("prd"), MONITOR, "monitors-deployment-availability").inputs;
        expect(availability.monitorThresholds).to.deep.equal({ critical: "0.5", warning: "0.8" });
        // "Below half" fires below half: at exactly half it stays quiet.
        expect(availability.query as string).to.match(/ < 0\.5$/);
    });

    it("page only in prd, and only on alert", async () => {
        const prd = resourceNamed(await fixtureRun("prd"), MONITOR, "monitors-crashloopbackoff").inputs;
        expect(prd.message as string).to.contain("{{#is_alert}}@pagerduty-web-oncall{{/is_alert}}");
        expect(prd.priority).to.equal("1");
        const stg = resourceNamed(await fixtureRun("stg"), MONITOR, "monitors-crashloopbackoff").inputs;
        expect(stg.message as string).not.to.contain("pagerduty");
    });

    it("page on no data where no data is an outage: KSM stopped, or every node cordoned; and only there", async () => {
        const run = await fixtureRun("prd");
        const noDataPages = ["monitors-kube-state-metrics", "monitors-schedulable-nodes"];
        for (const name of noDataPages) {
            const monitor = resourceNamed(run, MONITOR, name).inputs;
            expect(monitor.notifyNoData, name).to.equal(true);
            expect(monitor.message as string, name).to.contain("{{#is_no_data}}@pagerduty-web-oncall{{/is_no_data}}");
            expect(monitor.message as string, name).to.contain("{{#is_no_data}}**Value:** no data{{/is_no_data}}");
        }
        const others = run.resources.filter((r) => r.type === MONITOR && !noDataPages.includes(r.name));
        expect(
            others.filter((m) => m.inputs.notifyNoData || (m.inputs.message as string).includes("{{#is_no_data}}")).map((m) => m.name),
        ).to.deep.equal([]);
    });

    it("a crash-looping workload is one alert: restarts, OOMKilled and exit reasons notify through composites that stay quiet while it crash-loops", async () => {
        const run = await fixtureRun("prd");
        const crash = resourceNamed(run, MONITOR, "monitors-crashloopbackoff").inputs;
        expect(crash.type).to.equal("query alert");
        const group = "by {kube_namespace,kube_ownerref_kind,kube_ownerref_name,kube_container_name}";
        for (const key of QUIET) {
            const raw = resourceNamed(run, MONITOR, `monitors-${key}-raw`);
            const composite = resourceNamed(run, MONITOR, `monitors-${key}`);
            // The same groups on both sides: a composite matches its monitors group by group.
            expect(raw.inputs.query as string, key).to.contain(group);
            expect(crash.query as string).to.contain(group);
            expect(raw.inputs.message as string, key).not.to.match(/@/);
            expect(composite.inputs).to.deep.include({
                type: "composite",
                name: (raw.inputs.name as string).replace(/ \(evaluated.*$/, ""),
            });
            expect(composite.inputs.query as string, key).to.match(/^\d+ && !\d+$/);
            expect(composite.dependencies, key).to.include.members([raw.urn, resourceNamed(run, MONITOR, "monitors-crashloopbackoff").urn]);
            expect(composite.inputs.message as string, key).to.contain("@slack-acme-oncall-web");
            expect(composite.inputs.message as string, key).to.contain(`#${key}\n`);
        }
    });

    it("say the value that fired and the threshold it crossed, the warning's when it warns", () => {
        const restarts = definitions()["container-restarts"];
        const message = monitorMessage(restarts, "c", "https://runbooks.example/r.md", "@slack-a-b", []);
        expect(message).to.contain(
            "{{^is_no_data}}**Value:** {{value}} (alert at {{threshold}}{{#is_warning}}, warning at {{warn_threshold}}{{/is_warning}}){{/is_no_data}}",
        );
        const crash = monitorMessage(definitions().crashloopbackoff, "c", "https://runbooks.example/r.md", "@slack-a-b", []);
        expect(crash).to.contain("**Value:** {{value}} (alert at {{threshold}})");
        expect(crash).not.to.contain("warn_threshold");
    });

    it("one alert per workload, not per pod: per-container monitors group by the pods' owner and name it", () => {
        for (const definition of monitorDefinitions({ clusterName: "c", thresholds: DEFAULT_THRESHOLDS })) {
            expect(definition.query, definition.key).not.to.match(/pod_name/);
        }
        const all = definitions();
        for (const key of ["image-pull"]) {
            expect(all[key].query, key).to.contain("by {kube_namespace,created_by_kind,created_by_name}");
            expect(all[key].where, key).to.equal("namespace {{kube_namespace.name}}, {{created_by_kind.name}} {{created_by_name.name}}");
        }
        for (const key of [
            "crashloopbackoff",
            "container-restarts",
            "oomkilled",
            "terminated-abnormally",
            "cpu-of-limit",
            "memory-of-limit",
        ]) {
            expect(all[key].query, key).to.contain("by {kube_namespace,kube_ownerref_kind,kube_ownerref_name,kube_container_name}");
            expect(all[key].where, key).to.contain("{{kube_ownerref_kind.name}} {{kube_ownerref_name.name}}");
        }
    });

    it("CrashLoopBackOff: the waiting-reason metric, >= 1 over the shortest window, default_zero so it resolves, by workload", () => {
        const crash = definitions().crashloopbackoff;
        expect(crash.query).to.equal(
            "max(last_1m):default_zero(sum:kubernetes.containers.state.waiting{kube_cluster_name:c,reason:crashloopbackoff} by {kube_namespace,kube_ownerref_kind,kube_ownerref_name,kube_container_name}) >= 1",
        );
    });

    it("kube-state-metrics: alerts when the data stops, instead of on a count that is always 1", () => {
        const ksm = definitions()["kube-state-metrics"];
        expect(ksm).to.deep.include({ notifyNoData: true, noDataTimeframe: 10 });
        expect(ksm.query).to.match(/^avg\(last_5m\):/);
    });

    it("restarts: the increase of the cumulative counter over 5 minutes, never its value", () => {
        const restarts = definitions()["container-restarts"];
        expect(restarts.query).to.match(/^change\(max\(last_5m\),last_5m\):sum:kubernetes\.containers\.restarts\{/);
        expect(restarts.query).to.match(/>= 3$/);
    });

    it("CPU and memory: usage over the container's own limit, in percent, of the workload's busiest pod", () => {
        const { "cpu-of-limit": cpu, "memory-of-limit": memory } = definitions();
        const by = "by {kube_namespace,kube_ownerref_kind,kube_ownerref_name,kube_container_name}";
        expect(cpu.query).to.contain(`max:kubernetes.cpu.usage.total{kube_cluster_name:c} ${by} / 1000000000 / max:kubernetes.cpu.limits`);
        expect(memory.query).to.contain(`max:kubernetes.memory.working_set{kube_cluster_name:c} ${by} / max:kubernetes.memory.limits`);
        expect(cpu.thresholds).to.deep.equal({ critical: 80, warning: 70 });
    });

    it("depend on the Slack channel and the Datadog provider, never on the cluster", async () => {
        const run = await fixtureRun("prd");
        for (const monitor of resourcesOfType(run, MONITOR).filter((m) => !m.name.endsWith("-raw"))) {
            const dependencies = [...transitiveDependencies(run, monitor)];
            expect(
                dependencies.filter((d) => /EksCluster|KubeSystemAddons|eks:index/.test(d)),
                monitor.name,
            ).to.deep.equal([]);
            expect(dependencies).to.include(resourceNamed(run, "datadog:slack/channel:Channel", "alerts").urn);
        }
    });
});

describe("the Datadog query check", () => {
    it("rejects an unbalanced parenthesis (the field report's sample)", () => {
        expect(checkQuery("avg(last_5m):avg:kubernetes.cpu.usage.total{kube_cluster_name:c} by {pod_name}) > 1")).to.include(
            "unbalanced ')'",
        );
        expect(checkQuery("sum:kubernetes_state.hpa.desired_replicas{kube_namespace:web")).to.include("no metric{scope} found");
    });

    it("rejects tags the agent does not emit: name:<asg> and hpa:", () => {
        expect(checkQuery("sum:kubernetes_state.node.cpu_allocatable{name:eks-general-asg}")).to.deep.equal([
            "unknown tag name in {name:eks-general-asg}",
        ]);
        expect(checkQuery("sum:kubernetes_state.hpa.desired_replicas{kube_namespace:web} by {hpa}")).to.deep.equal([
            "unknown tag hpa in by {hpa}",
        ]);
    });

    it("rejects a metric that does not exist", () => {
        expect(checkQuery("avg:kubernetes_state.hpa.replicas{*}")).to.deep.equal(["unknown metric kubernetes_state.hpa.replicas"]);
    });

    it("rejects a cumulative counter compared as a rate", () => {
        expect(
            checkMonitorQuery("max(last_5m):max:kubernetes_state.container.restarts{kube_cluster_name:c} by {pod_name} >= 3", {
                critical: 3,
            }),
        ).to.deep.equal([
            "kubernetes_state.container.restarts is a cumulative counter: alert on its increase (change, diff, monotonic_diff), not its value",
        ]);
    });

    it("rejects a threshold that fires while all is well (<= 1 on a running count)", () => {
        expect(
            checkMonitorQuery("avg(last_5m):sum:kubernetes_state.deployment.replicas_available{kube_deployment:kube-state-metrics} <= 1", {
                critical: 1,
            }),
        ).to.deep.equal([
            "<= 1 on kubernetes_state.deployment.replicas_available fires while a single replica is healthy: alert on no data, or on a ratio",
        ]);
    });

    it("rejects a query threshold that is not the critical threshold, and a warning on the wrong side", () => {
        expect(
            checkMonitorQuery("avg(last_5m):avg:kubernetes.memory.usage{*} by {pod_name} >= 90", { critical: 80, warning: 85 }),
        ).to.deep.equal(["query threshold 90 differs from the critical threshold 80", "warning 85 does not fire before critical 80 (>=)"]);
        expect(
            checkMonitorQuery("avg(last_5m):avg:kubernetes.memory.usage{*} by {pod_name} <= 0.5", { critical: 0.5, warning: 0.4 }),
        ).to.deep.equal(["warning 0.4 does not fire before critical 0.5 (<=)"]);
    });
});

describe("Datadog monitors beyond the field report", () => {
    const WORKLOAD = "by {kube_namespace,created_by_kind,created_by_name}";
    const BY = "by {kube_namespace,kube_ownerref_kind,kube_ownerref_name,kube_container_name}";
    // Both factors from the kubelet check: one agent, one collection run, no bucket between them.
    const restarted = `default_zero(diff(sum:kubernetes.containers.restarts{kube_cluster_name:c} ${BY}))`;

    /** Every query, pinned with the stg defaults: what Datadog will evaluate, to the character. */
    const QUERIES: Record<string, string> = {
        // One filter for both reasons: a container is in one of them at a time, and arithmetic
        // between two grouped queries keeps only the groups both have.
        "image-pull": `max(last_10m):default_zero(sum:kubernetes_state.container.status_report.count.waiting{kube_cluster_name:c AND reason IN (errimagepull, imagepullbackoff)} ${WORKLOAD}) >= 1`,
        // A restart whose last state is OOMKilled: the current terminated state lasts seconds.
        "oomkilled": `max(last_10m):${restarted} * default_zero(max:kubernetes.containers.last_state.terminated{kube_cluster_name:c,reason:oomkilled} ${BY}) >= 1`,
        "terminated-abnormally": `max(last_10m):${restarted} * default_zero(max:kubernetes.containers.last_state.terminated{kube_cluster_name:c AND reason IN (error, containercannotrun)} ${BY}) >= 1`,
        "failed-pods":
            "change(avg(last_5m),last_5m):default_zero(sum:kubernetes_state.pod.status_phase{kube_cluster_name:c,pod_phase:failed} by {kube_namespace}) > 10",
        "statefulset-replicas":
            "max(last_15m):sum:kubernetes_state.statefulset.replicas_desired{kube_cluster_name:c} by {kube_namespace,kube_stateful_set} - sum:kubernetes_state.statefulset.replicas_ready{kube_cluster_name:c} by {kube_namespace,kube_stateful_set} >= 2",
        "node-not-ready":
            "min(last_10m):default_zero(sum:kubernetes_state.node.by_condition{kube_cluster_name:c,condition:ready,!status:true} by {node}) >= 1",
        "schedulable-nodes":
            "max(last_15m):default_zero(sum:kubernetes_state.node.status{kube_cluster_name:c,status:schedulable} * 100 / sum:kubernetes_state.node.status{kube_cluster_name:c}) < 80",
        // Per node: each full node alerts, by its host (on EKS the node's instance).
        "node-disk": "max(last_10m):max:kubernetes.node.filesystem.usage_pct{kube_cluster_name:c} by {host} * 100 >= 90",
        "cluster-cpu-requests":
            "avg(last_30m):sum:kubernetes_state.container.cpu_requested{kube_cluster_name:c} / sum:kubernetes_state.node.cpu_allocatable{kube_cluster_name:c} * 100 >= 95",
        "cluster-memory-requests":
            "avg(last_30m):sum:kubernetes_state.container.memory_requested{kube_cluster_name:c} / sum:kubernetes_state.node.memory_allocatable{kube_cluster_name:c} * 100 >= 95",
    };

    for (const [key, query] of Object.entries(QUERIES)) {
        it(`${key}: ${query.split(":")[0]} over its metric, threshold equal to its critical one`, () => {
            const definition = definitions()[key];
            expect(definition.query).to.equal(query);
            expect(checkMonitorQuery(definition.query, definition.thresholds), key).to.deep.equal([]);
        });
    }

    it("cover each of Datadog's recommended Kubernetes monitors with the metric it watches", () => {
        // integrations-core kubernetes/assets/monitors: recommended monitor -> our key and its metric.
        const recommended: [string, string, string][] = [
            ["monitor_deployments_replicas", "deployment-availability", "kubernetes_state.deployment.replicas_available"],
            ["monitor_node_unavailable", "schedulable-nodes", "kubernetes_state.node.status"],
            ["monitor_pod_crashloopbackoff", "crashloopbackoff", "reason:crashloopbackoff"],
            ["monitor_pod_imagepullbackoff", "image-pull", "imagepullbackoff"],
            ["monitor_pod_oomkilled", "oomkilled", "reason:oomkilled"],
            ["monitor_pods_failed_state", "failed-pods", "kubernetes_state.pod.status_phase"],
            ["monitor_pods_restarting", "container-restarts", "kubernetes.containers.restarts"],
            ["monitor_statefulset_replicas", "statefulset-replicas", "kubernetes_state.statefulset.replicas_ready"],
        ];
        const all = definitions();
        for (const [upstream, key, metric] of recommended) {
            expect(all[key]?.query ?? "", upstream).to.contain(metric);
        }
    });

    it("take thresholds and windows from config, and default them per stage", async () => {
        const inputs = async (stack: string, key: string) => resourceNamed(await fixtureRun(stack), MONITOR, `monitors-${key}`).inputs;
        expect((await inputs("prd", "node-not-ready")).query as string).to.match(/^min\(last_5m\):/);
        expect((await inputs("stg", "node-not-ready")).query as string).to.match(/^min\(last_10m\):/);
        expect((await inputs("dev", "node-not-ready")).query as string).to.match(/^min\(last_15m\):/);
        expect((await inputs("prd", "failed-pods")).monitorThresholds).to.deep.equal({ critical: "5", warning: "3" });
        expect((await inputs("dev", "failed-pods")).monitorThresholds).to.deep.equal({ critical: "20", warning: "10" });
        expect((await inputs("prd", "cluster-cpu-requests")).monitorThresholds).to.deep.equal({ critical: "90", warning: "80" });
        const monitoring = fixtureSection("prd", "monitoring");
        monitoring.datadog.nodeDisk = { critical: 85, warning: 75, windowMinutes: 30 };
        const run = await runProgram({ stackDir: FIXTURE_DIR, stack: "prd", overrides: { "eks-platform:monitoring": monitoring } });
        const disk = resourceNamed(run, MONITOR, "monitors-node-disk").inputs;
        expect(disk.query).to.equal(
            "max(last_30m):max:kubernetes.node.filesystem.usage_pct{kube_cluster_name:eks-platform-prd} by {host} * 100 >= 85",
        );
        expect(disk.monitorThresholds).to.deep.equal({ critical: "85", warning: "75" });
    });

    it("refuse a window Datadog would not take and a disk threshold written as a fraction", () => {
        const monitoring = fixtureSection("prd", "monitoring");
        monitoring.datadog.nodeNotReady = { windowMinutes: 0 };
        monitoring.datadog.nodeDisk = { critical: 0.9 };
        expect(configProblems("prd", { overrides: { "eks-platform:monitoring": monitoring } })).to.deep.equal([
            "[prd] eks-platform:monitoring.datadog.nodeNotReady.windowMinutes = 0: expected whole minutes from 1 to 1440",
            "[prd] eks-platform:monitoring.datadog.nodeDisk.critical = 0.9: expected a share of the node's disk in percent (1 to 100): 0.9 looks like a fraction (for 90% write 90)",
        ]);
    });

    it("the query check refuses a window outside what Datadog takes, and a filter mixing both syntaxes", () => {
        expect(checkQuery("max(last_20000m):max:kubernetes.node.filesystem.usage_pct{*} * 100 >= 90")).to.deep.equal([
            "window last_20000m is outside 1 to 10080 minutes",
        ]);
        expect(checkQuery("max:kubernetes_state.node.by_condition{kube_cluster_name:c AND !status:true}")).to.deep.equal([
            "{kube_cluster_name:c AND !status:true} mixes , or ! with AND, OR or IN, which Datadog refuses",
        ]);
        expect(checkQuery("max:kubernetes_state.node.by_condition{kube_cluster_name:c AND stauts IN (true, false)}")).to.deep.equal([
            "unknown tag stauts in {kube_cluster_name:c AND stauts IN (true, false)}",
        ]);
    });

    it("exist only while the Datadog agent runs", async () => {
        const monitoring = fixtureSection("stg", "monitoring");
        delete monitoring.slack.datadogAccount;
        delete monitoring.datadog;
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "stg",
            overrides: {
                "eks-platform:addons": { ...fixtureSection("stg", "addons"), datadog: { enabled: false } },
                "eks-platform:monitoring": monitoring,
            },
        });
        expect(resourcesOfType(run, MONITOR)).to.deep.equal([]);
        expect(resourcesOfType(run, "datadog:index/serviceLevelObjective:ServiceLevelObjective")).to.deep.equal([]);
        expect(resourcesOfType(run, "aws:cloudwatch/compositeAlarm:CompositeAlarm").length).to.be.greaterThan(0);
    });
});
