/**
 * Blue/green clusters (docs/blue-green.md): each step of a minor upgrade rendered on the stg
 * fixture, and what the change review says of it.
 */
import { expect } from "chai";
import { EXIT_STATUS, exitStatus, flatStackConfig, RenderSide, ResourceChange, stackChange } from "../offline/change-diff";
import { estimateCost } from "../offline/cost";
import { evaluate, formatViolations } from "../policies/rule";
import { RESOURCE_RULES, STACK_RULES } from "../policies/rules";
import { ProgramRun, RenderedResource } from "../offline/program-run";
import { summaryMarkdown } from "../offline/stack-summary";
import { formatStackChange } from "../scripts/change-report";
import { reviewedOptions } from "../scripts/render";
import { parseStackConfig } from "../stacks/config";
import { configProblems } from "./support/config-problems";
import { fixtureRun, fixtureSection, fixtureVariant, readFixtureConfig } from "./support/fixtures";
import { autonameOverflows, physicalNameEntries, physicalNames } from "./support/physical-names";

type Owner = "blue" | "green" | "shared";

interface Step {
    readonly run: ProgramRun;
    readonly side: RenderSide;
}

async function step(stack: string, overrides: Record<string, unknown> = {}): Promise<Step> {
    const run = Object.keys(overrides).length === 0 ? await fixtureRun(stack) : await fixtureVariant(stack, { overrides });
    const raw = readFixtureConfig(stack, { overrides });
    return { run, side: { resources: run.resources, options: reviewedOptions(run), config: flatStackConfig(raw) } };
}

/** A stack's config with its cluster under `clusters`, at these weights. */
function slotted(clusters: Record<string, unknown>, traffic?: Record<string, number>): Record<string, unknown> {
    return { "eks-platform:cluster": undefined, "eks-platform:clusters": clusters, "eks-platform:traffic": traffic };
}

/** The component a resource was declared under at the top of the stack. */
function topComponent(run: ProgramRun, r: RenderedResource): RenderedResource {
    const byUrn = new Map(run.resources.map((x) => [x.urn, x]));
    let top = r;
    while (top.parent && byUrn.has(top.parent)) {
        top = byUrn.get(top.parent)!;
    }
    return top;
}

/** Which slot a resource belongs to: its cluster, addons, releases, monitors, dashboards, target groups and their alarms. */
function ownerOf(run: ProgramRun, r: RenderedResource): Owner {
    const top = topComponent(run, r).name;
    if (top.endsWith("-g") || (r.type === "aws:lb/targetGroup:TargetGroup" && r.name.endsWith("-g")) || /^alb-alarms-web-g-/.test(r.name)) {
        return "green";
    }
    if (
        ["eks", "eks-addons", "web", "monitors", "dashboards"].includes(top) ||
        r.type === "aws:lb/targetGroup:TargetGroup" ||
        /^alb-alarms-web-/.test(r.name)
    ) {
        return "blue";
    }
    return "shared";
}

function owners(before: Step, after: Step): Map<string, Owner> {
    const map = new Map<string, Owner>();
    for (const { run } of [before, after]) {
        run.resources.forEach((r) => map.set(r.urn, ownerOf(run, r)));
    }
    return map;
}

function byKind(before: Step, after: Step): Record<string, ResourceChange[]> {
    const diff = stackChange("stg", before.side, after.side);
    const kinds: Record<string, ResourceChange[]> = { create: [], delete: [], replace: [], update: [] };
    diff.resources.forEach((change) => kinds[change.kind].push(change));
    return kinds;
}

function ownersOf(changes: ResourceChange[], owner: Map<string, Owner>): Set<Owner> {
    return new Set(changes.map((c) => owner.get(c.urn)!));
}

function listenerRule(run: ProgramRun): RenderedResource {
    return run.resources.find((r) => r.type === "aws:lb/listenerRule:ListenerRule" && r.name === "alb-web")!;
}

function targetGroupArn(run: ProgramRun, name: string): unknown {
    const group = run.resources.find((r) => r.type === "aws:lb/targetGroup:TargetGroup" && r.name === name)!;
    return group.urn;
}

describe("blue/green clusters", () => {
    const cluster = fixtureSection("stg", "cluster");
    const green = { ...cluster, kubernetesVersion: "1.36" };
    let single: Step;
    let adopted: Step;
    let atZero: Step;
    let atTen: Step;
    let atHundred: Step;
    let greenOnly: Step;
    before(async () => {
        single = await step("stg");
        adopted = await step("stg", slotted({ blue: cluster }));
        atZero = await step("stg", slotted({ blue: cluster, green }, { blue: 100, green: 0 }));
        atTen = await step("stg", slotted({ blue: cluster, green }, { blue: 90, green: 10 }));
        atHundred = await step("stg", slotted({ blue: cluster, green }, { blue: 0, green: 100 }));
        greenOnly = await step("stg", slotted({ green }, { green: 100 }));
    });

    it("adopts a single-cluster stack as slot blue without a change: every URN and physical name stays", () => {
        expect(stackChange("stg", single.side, adopted.side).resources).to.deep.equal([]);
        expect(adopted.run.resources.map((r) => r.urn)).to.deep.equal(single.run.resources.map((r) => r.urn));
        expect([...physicalNames(adopted.run).keys()]).to.deep.equal([...physicalNames(single.run).keys()]);
        expect(adopted.run.outputs).to.deep.equal(single.run.outputs);
    });

    it("adds green at weight 0 by creating green's resources only; the shared ones that name every slot update in place", () => {
        const owner = owners(adopted, atZero);
        const changes = byKind(adopted, atZero);
        expect(changes.create.length).to.be.greaterThan(90);
        expect([...ownersOf(changes.create, owner)]).to.deep.equal(["green"]);
        expect(changes.delete).to.deep.equal([]);
        expect(changes.replace).to.deep.equal([]);
        expect([...ownersOf(changes.update, owner)]).to.deep.equal(["shared"]);
        expect(changes.update.map((c) => c.label).sort()).to.deep.equal([
            "aws:cloudwatch/metricAlarm:MetricAlarm slo-alarms-web-slo-1h-5m-long",
            "aws:cloudwatch/metricAlarm:MetricAlarm slo-alarms-web-slo-1h-5m-short",
            "aws:cloudwatch/metricAlarm:MetricAlarm slo-alarms-web-slo-3d-6h-long",
            "aws:cloudwatch/metricAlarm:MetricAlarm slo-alarms-web-slo-3d-6h-short",
            "aws:cloudwatch/metricAlarm:MetricAlarm slo-alarms-web-slo-6h-30m-long",
            "aws:cloudwatch/metricAlarm:MetricAlarm slo-alarms-web-slo-6h-30m-short",
            "aws:lb/listenerRule:ListenerRule alb-web",
            "awsx:ec2:Vpc network-vpc",
            "datadog:index/serviceLevelObjective:ServiceLevelObjective slos-web",
        ]);
        // The subnets gain green's cluster tag, in place.
        const vpc = changes.update.find((c) => c.label === "awsx:ec2:Vpc network-vpc")!;
        expect(vpc.changes.map((c) => c.path)).to.deep.equal([
            "subnetSpecs.0.tags.kubernetes.io/cluster/eks-platform-stg-green",
            "subnetSpecs.1.tags.kubernetes.io/cluster/eks-platform-stg-green",
        ]);
        expect(vpc.reasons).to.deep.equal([]);
        expect(exitStatus([stackChange("stg", adopted.side, atZero.side)])).to.equal(EXIT_STATUS.changes);
    });

    it("forwards each app's requests to both slots' target groups at the configured weights, without stickiness", () => {
        const [plain] = listenerRule(single.run).inputs.actions as any[];
        expect(plain.targetGroupArn).to.be.a("string");
        expect(plain.forward).to.equal(undefined);
        const [action] = listenerRule(atTen.run).inputs.actions as any[];
        expect(action.targetGroupArn).to.equal(undefined);
        expect(action.forward.stickiness).to.equal(undefined);
        expect(action.forward.targetGroups.map((g: any) => g.weight)).to.deep.equal([90, 10]);
        const rule = listenerRule(atTen.run);
        const groups = ["alb-web", "alb-web-g"].map((name) => targetGroupArn(atTen.run, name));
        expect(groups.every((urn) => rule.dependencies.includes(urn as string))).to.equal(true);
    });

    it("shifts traffic, and rolls it back, by changing each app's listener rule weights and nothing else", () => {
        for (const [from, to] of [
            [atZero, atTen],
            [atTen, atHundred],
            [atHundred, atTen],
            [atTen, atZero],
        ]) {
            const diff = stackChange("stg", from.side, to.side);
            expect(diff.resources.map((c) => `${c.kind} ${c.label}`)).to.deep.equal(["update aws:lb/listenerRule:ListenerRule alb-web"]);
            expect(diff.resources[0].changes.map((c) => c.path)).to.deep.equal([
                "actions.0.forward.targetGroups.0.weight",
                "actions.0.forward.targetGroups.1.weight",
            ]);
        }
    });

    it("removes blue by deleting every resource of blue's and nothing of green's", () => {
        const owner = owners(atHundred, greenOnly);
        const changes = byKind(atHundred, greenOnly);
        const blue = atHundred.run.resources.filter((r) => ownerOf(atHundred.run, r) === "blue").map((r) => r.urn);
        expect(changes.delete.map((c) => c.urn).sort()).to.deep.equal(blue.sort());
        expect(changes.create).to.deep.equal([]);
        expect(changes.replace).to.deep.equal([]);
        expect([...ownersOf(changes.update, owner)]).to.deep.equal(["shared"]);
        const rule = changes.update.find((c) => c.label === "aws:lb/listenerRule:ListenerRule alb-web")!;
        expect(rule.changes.map((c) => c.path)).to.include("actions.0.targetGroupArn");
    });

    it("marks as dangerous a change that removes blue while it still served traffic, which config alone cannot see", () => {
        const inOne = stackChange("stg", atTen.side, greenOnly.side);
        expect(inOne.dangerous).to.equal(true);
        const cluster = inOne.resources.find((c) => c.kind === "delete" && c.label.startsWith("eks:index:Cluster"))!;
        expect(cluster.reasons).to.deep.equal([
            "slot blue served 90% of requests before this change: shift its traffic away and apply that first, then remove it",
        ]);
        expect(formatStackChange(inOne, "main")).to.contain("!! SERVING: deleted while it served traffic");
        expect(exitStatus([inOne])).to.equal(EXIT_STATUS.dangerous);
        expect(stackChange("stg", atHundred.side, greenOnly.side).dangerous).to.equal(false);
    });

    it("keeps one release per slot, each binding its own slot's target group in its own cluster", () => {
        const bindings = atTen.run.resources.filter((r) => r.type === "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
        expect(bindings.map((b) => topComponent(atTen.run, b).name).sort()).to.deep.equal(["web", "web-g"]);
        for (const [release, group, provider] of [
            ["web", "alb-web", "eks"],
            ["web-g", "alb-web-g", "eks-g"],
        ]) {
            const binding = bindings.find((b) => topComponent(atTen.run, b).name === release)!;
            expect(binding.dependencies, release).to.include(targetGroupArn(atTen.run, group));
            const providers = binding.dependencies
                .map((urn) => atTen.run.resources.find((r) => r.urn === urn))
                .filter((r) => r?.type === "pulumi:providers:kubernetes");
            expect(providers.map((p) => topComponent(atTen.run, p!).name)).to.deep.equal([provider]);
        }
    });

    it("alarms on each slot's target groups, and keeps one burn-rate alarm set and SLO per app across both", () => {
        const alarms = atTen.run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
        const dimension = (name: string) => (alarms.find((a) => a.name === name)!.inputs.dimensions as Record<string, string>).TargetGroup;
        expect(dimension("alb-alarms-web-unhealthy-hosts")).to.not.equal(dimension("alb-alarms-web-g-unhealthy-hosts"));
        const burn = alarms.filter((a) => a.name.startsWith("slo-alarms-web-"));
        expect(burn).to.have.length(6);
        for (const alarm of burn) {
            const groups = new Set(
                (alarm.inputs.metricQueries as any[]).map((q) => q.metric?.dimensions?.TargetGroup).filter((g) => g !== undefined),
            );
            expect(groups.size, alarm.name).to.equal(2);
        }
        const slos = atTen.run.resources.filter((r) => r.type === "datadog:index/serviceLevelObjective:ServiceLevelObjective");
        expect(slos).to.have.length(1);
        expect((slos[0].inputs.query as any).denominator).to.match(/\{targetgroup IN \([^,]+, [^)]+\)\}/);
    });

    it("gives each cluster its own Datadog monitors and dashboards, scoped by and naming its cluster", () => {
        const monitors = atTen.run.resources.filter((r) => r.type === "datadog:index/monitor:Monitor");
        for (const [component, cluster] of [
            ["monitors", "eks-platform-stg"],
            ["monitors-g", "eks-platform-stg-green"],
        ]) {
            const own = monitors.filter((m) => topComponent(atTen.run, m).name === component);
            expect(own.length, component).to.be.greaterThan(10);
            for (const monitor of own) {
                // Composites combine monitors by id; the monitors they combine carry the query.
                if (monitor.inputs.type !== "composite") {
                    expect(monitor.inputs.query as string, monitor.name).to.contain(`kube_cluster_name:${cluster}`);
                }
                expect(monitor.inputs.tags as string[], monitor.name).to.include(`kube_cluster_name:${cluster}`);
                if (!monitor.name.endsWith("-raw")) {
                    expect(monitor.inputs.message as string, monitor.name).to.contain(`cluster ${cluster},`);
                }
            }
        }
        const dashboards = atTen.run.resources.filter((r) => r.type === "datadog:index/dashboardJson:DashboardJson");
        const titles = dashboards.map((d) => JSON.parse(d.inputs.dashboard as string).title as string);
        expect(titles.filter((t) => t.includes("eks-platform-stg-green"))).to.have.length(dashboards.length / 2);
        expect(Object.keys(atTen.run.outputs.dashboardUrls as object)).to.include.members(["web", "web-g"]);
    });

    it("shares no URN and no physical name between the two slots", () => {
        const urns = atTen.run.resources.map((r) => r.urn);
        expect(urns.length - new Set(urns).size).to.equal(0);
        const seen = new Map<string, string>();
        const shared: string[] = [];
        // A name is unique within its kind (an SNS topic and a Chatbot configuration may share one).
        for (const [name, where] of physicalNameEntries(atTen.run)) {
            const key = `${where.split(" ")[0]} ${name}`;
            if (seen.has(key)) {
                shared.push(`${name}: ${seen.get(key)} and ${where}`);
            }
            seen.set(key, where);
        }
        expect(seen.size).to.be.greaterThan(50);
        expect(shared).to.deep.equal([]);
    });

    it("gives every autonamed resource of either slot a name within its type's limit", () => {
        for (const { run } of [atTen, greenOnly]) {
            expect(autonameOverflows(run)).to.deep.equal([]);
        }
        // Green's longest: its Karpenter capacity-reservation rule, exactly EventBridge's 64 with the suffix.
        const rules = atTen.run.resources.filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule").map((r) => r.name.length + 8);
        expect(Math.max(...rules)).to.equal(64);
    });

    it("exports each slot's cluster name, kubeconfig and weight; the top-level cluster outputs follow the slot serving most", () => {
        expect(atHundred.run.outputs.clusterName).to.equal("eks-platform-stg-green");
        expect(atTen.run.outputs.clusterName).to.equal("eks-platform-stg");
        const slots = atTen.run.outputs.slots as Record<string, Record<string, unknown>>;
        expect(Object.keys(slots)).to.deep.equal(["blue", "green"]);
        expect(slots.green.clusterName).to.equal("eks-platform-stg-green");
        expect(slots.green.weight).to.equal(10);
        expect(slots.blue.weight).to.equal(90);
        expect(single.run.outputs).to.not.have.property("slots");
    });

    it("meets every policy of the pack at each step", () => {
        for (const { run } of [atZero, atTen, greenOnly]) {
            expect(formatViolations(evaluate(run.resources, RESOURCE_RULES, STACK_RULES))).to.equal("");
        }
    });

    it("summarises and prices each slot's cluster at its own minor", () => {
        const summary = summaryMarkdown(
            atTen.run,
            readFixtureConfig("stg", { overrides: slotted({ blue: cluster, green }, { blue: 90, green: 10 }) }),
        );
        expect(summary).to.contain(
            "- slot blue, 90% of requests: cluster eks-platform-stg, Kubernetes 1.35: standard support until 2027-03-27",
        );
        expect(summary).to.contain(
            "- slot green, 10% of requests: cluster eks-platform-stg-green, Kubernetes 1.36: standard support until 2027-08-02",
        );
        const controlPlanes = estimateCost(atTen.run.resources, atTen.side.config).lines.filter((l) =>
            l.item.startsWith("EKS control plane"),
        );
        expect(controlPlanes.map((l) => l.quantity)).to.deep.equal([
            "1 cluster, standard support (1.35)",
            "1 cluster, standard support (1.36)",
        ]);
    });

    it("protects, in prd, the slot that serves traffic, and lets a slot at weight 0 be removed", async () => {
        const prdCluster = fixtureSection("prd", "cluster");
        const next = { ...prdCluster, kubernetesVersion: `1.${Number(prdCluster.kubernetesVersion.split(".")[1]) + 1}` };
        const protectedClusters = (run: ProgramRun) =>
            run.resources
                .filter((r) => r.type === "eks:index:Cluster" && run.options.get(r.urn)!.protect)
                .map((r) => [r.inputs.name, r.inputs.deletionProtection]);
        const checking = await step("prd", slotted({ blue: prdCluster, green: next }, { blue: 100, green: 0 }));
        expect(protectedClusters(checking.run)).to.deep.equal([["eks-platform-prd", true]]);
        const shifted = await step("prd", slotted({ blue: prdCluster, green: next }, { blue: 0, green: 100 }));
        expect(protectedClusters(shifted.run)).to.deep.equal([["eks-platform-prd-green", true]]);
        const removed = stackChange("prd", shifted.side, (await step("prd", slotted({ green: next }, { green: 100 }))).side);
        expect(removed.resources.filter((c) => c.kind === "delete").length).to.be.greaterThan(90);
        expect(removed.dangerous).to.equal(false);
    });
});

describe("blue/green config", () => {
    const cluster = fixtureSection("stg", "cluster");
    const green = { ...cluster, kubernetesVersion: "1.36" };
    const problems = (overrides: Record<string, unknown>) => configProblems("stg", { overrides });

    it("refuses weights that do not sum to 100, and a weight for a slot that does not exist", () => {
        expect(problems(slotted({ blue: cluster, green }, { blue: 90, green: 20 }))).to.deep.equal([
            `[stg] eks-platform:traffic = {"blue":90,"green":20}: expected weights that sum to 100 (percent of each app's requests), not 110`,
        ]);
        expect(problems(slotted({ blue: cluster }, { blue: 90, green: 10 }))).to.deep.equal([
            "[stg] eks-platform:traffic.green = 10: expected no weight for slot green: eks-platform:clusters has no green (it has blue)",
        ]);
        expect(problems(slotted({ blue: cluster, green }))).to.deep.equal([
            "[stg] eks-platform:traffic = (not set): is required with two slots: the percent each serves, such as { blue: 100, green: 0 } while green is checked",
        ]);
    });

    it("refuses removing the only slot that has weight, saying to shift traffic first", () => {
        expect(problems(slotted({ green }, { blue: 100, green: 0 }))).to.deep.equal([
            "[stg] eks-platform:clusters.blue = (not set): expected slot blue: it serves 100% (eks-platform:traffic.blue) and no remaining slot serves any; shift traffic first (traffic: { green: 100 }, pulumi up), remove blue in a later change",
        ]);
    });

    it("refuses slots more than one minor apart, and two slots of one cluster name", () => {
        expect(
            problems(
                slotted(
                    { blue: cluster, green: { ...cluster, kubernetesVersion: "1.33", upgradePolicy: "EXTENDED" } },
                    { blue: 100, green: 0 },
                ),
            ),
        ).to.deep.equal([
            `[stg] eks-platform:clusters.green.kubernetesVersion = "1.33": expected a minor within one of blue's (1.35): slots that far apart run addon and API versions no step of the upgrade tested together; upgrade one minor at a time`,
        ]);
        expect(
            problems(slotted({ blue: { ...cluster, name: "web-eks" }, green: { ...green, name: "web-eks" } }, { blue: 100, green: 0 })),
        ).to.deep.equal([
            `[stg] eks-platform:clusters.green.name = "web-eks": expected a cluster name other than blue's: two EKS clusters cannot share "web-eks"`,
        ]);
    });

    it("refuses both cluster keys, or traffic without slots, and names a slot's own key in its problems", () => {
        expect(problems({ "eks-platform:clusters": { blue: cluster } })).to.deep.equal([
            `[stg] eks-platform:clusters = ["blue"]: expected either eks-platform:cluster (one cluster) or eks-platform:clusters (blue/green slots), not both: move the cluster under clusters.blue to keep every name`,
        ]);
        expect(problems({ "eks-platform:traffic": { blue: 100 } })).to.deep.equal([
            `[stg] eks-platform:traffic = {"blue":100}: expected no traffic weights with one eks-platform:cluster: weights split traffic between eks-platform:clusters slots`,
        ]);
        expect(
            problems(
                slotted(
                    { blue: cluster, green: { ...green, nodeGroups: { system: { ...cluster.nodeGroups.system, maxSize: 1 } } } },
                    { blue: 100, green: 0 },
                ),
            ),
        ).to.satisfy(
            (lines: string[]) =>
                lines.length > 0 && lines.every((line) => line.startsWith("[stg] eks-platform:clusters.green.nodeGroups.system")),
        );
    });

    it("refuses an app named as another app's green release", () => {
        const apps = fixtureSection("stg", "apps");
        apps["web-g"] = { ...apps.web, hosts: ["web-g.example.com"] };
        expect(problems({ ...slotted({ blue: cluster, green }, { blue: 100, green: 0 }), "eks-platform:apps": apps })).to.deep.equal([
            `[stg] eks-platform:apps.web-g = "web-g": expected an app name other than web-g with a green slot: green's release of web is named web-g`,
        ]);
    });

    it("refuses an app name too long for green's target group name, with green alone too", () => {
        const apps = fixtureSection("stg", "apps");
        apps["checkout-frontend-x"] = { ...apps.web, hosts: ["checkout.example.com"] };
        expect(problems({ ...slotted({ blue: cluster, green }, { blue: 100, green: 0 }), "eks-platform:apps": apps })).to.deep.equal([
            `[stg] eks-platform:apps.checkout-frontend-x = "checkout-frontend-x": expected an app name of at most 18 characters with a green slot: its green target group is alb-<app>-g- and a 7-character suffix, within ELB's 32`,
        ]);
        expect(problems({ ...slotted({ green }, { green: 100 }), "eks-platform:apps": apps })).to.have.length(1);
        // One cluster's target group keeps the 20 characters single-cluster stacks have always had.
        expect(() => parseStackConfig("stg", readFixtureConfig("stg", { overrides: { "eks-platform:apps": apps } }))).to.not.throw();
    });
});
