/**
 * Controllers where they belong: with Karpenter the node groups are tainted system nodes, every
 * controller tolerates the taint and selects them, DaemonSets run everywhere, and apps (which
 * tolerate nothing) go to Karpenter's NodePools. Rendered on the prd fixture (Karpenter) and the
 * autoscaler fixture (cluster-autoscaler: every node group is app capacity).
 */
import { expect } from "chai";
import { CONTROLLER_VALUE_PATHS, placementValues } from "../components/kube-system-addons/addon";
import { NODE_ROLE_LABEL, SYSTEM_TAINT, systemPlacement } from "../components/cluster/system-nodes";
import { ProgramRun, resourcesOfType, runProgram } from "../offline/program-run";
import { releases, values } from "./support/addons";
import { FIXTURE_DIR, fixtureRun, fixtureSection } from "./support/fixtures";

const NODE_GROUP = "eks:index:ManagedNodeGroup";
const ADDON = "aws:eks/addon:Addon";
const SYSTEM = {
    nodeSelector: { [NODE_ROLE_LABEL]: "system" },
    toleration: { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" },
};

/** The value object at a dotted path of a release's values ("" is the top level). */
function at(valuesOf: Record<string, any>, path: string): Record<string, any> {
    return path === "" ? valuesOf : valuesOf[path];
}

function addonConfiguration(run: ProgramRun, addonName: string): Record<string, any> | undefined {
    const addon = resourcesOfType(run, ADDON).find((a) => a.inputs.addonName === addonName);
    return addon?.inputs.configurationValues ? JSON.parse(addon.inputs.configurationValues as string) : undefined;
}

describe("system nodes", () => {
    it("with Karpenter, every node group is tainted CriticalAddonsOnly:NoSchedule and labelled as a system node", async () => {
        const groups = resourcesOfType(await fixtureRun("prd"), NODE_GROUP);
        expect(groups.length).to.be.greaterThan(0);
        for (const group of groups) {
            expect(group.inputs.taints, group.name).to.deep.include({ key: SYSTEM_TAINT.key, value: "true", effect: "NO_SCHEDULE" });
            expect(group.inputs.labels, group.name).to.include({ [NODE_ROLE_LABEL]: "system" });
        }
    });

    it("every controller of every release selects the system nodes and tolerates their taint", async () => {
        const run = await fixtureRun("prd");
        const installed = Object.keys(releases(run));
        expect(installed).to.include.members([
            "karpenter",
            "metrics-server",
            "kube-state-metrics",
            "datadog",
            "aws-load-balancer-controller",
        ]);
        for (const release of installed) {
            const paths = CONTROLLER_VALUE_PATHS[release];
            expect(paths, `${release} has its controller paths`).not.to.equal(undefined);
            for (const path of paths) {
                const placed = at(values(run, release), path);
                expect(placed?.nodeSelector, `${release} ${path}`).to.include(SYSTEM.nodeSelector);
                expect(placed?.tolerations, `${release} ${path}`).to.deep.include(SYSTEM.toleration);
            }
        }
        // Every Deployment of external-secrets, not only its controller.
        expect(CONTROLLER_VALUE_PATHS["external-secrets"]).to.deep.equal(["", "webhook", "certController"]);
    });

    it("the EKS add-ons that run Deployments select the system nodes, keeping their default tolerations", async () => {
        const run = await fixtureRun("prd");
        expect(addonConfiguration(run, "coredns")).to.deep.equal({
            nodeSelector: SYSTEM.nodeSelector,
            tolerations: [
                { key: "CriticalAddonsOnly", operator: "Exists" },
                { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
            ],
        });
        expect(addonConfiguration(run, "aws-ebs-csi-driver")).to.deep.equal({
            controller: {
                nodeSelector: SYSTEM.nodeSelector,
                tolerations: [
                    { key: "CriticalAddonsOnly", operator: "Exists" },
                    { operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
                ],
            },
        });
    });

    it("DaemonSets keep running on every node; apps tolerate nothing, so they stay off the system nodes", async () => {
        const run = await fixtureRun("prd");
        expect(values(run, "datadog").agents.tolerations).to.deep.equal([{ operator: "Exists" }]);
        for (const deployment of resourcesOfType(run, "kubernetes:apps/v1:Deployment")) {
            const pod = (deployment.inputs.spec as any).template.spec;
            expect(pod.tolerations ?? [], deployment.name).to.deep.equal([]);
        }
    });

    it("a stack may still place a controller itself: its values win over the placement", async () => {
        const addons = { ...fixtureSection("prd", "addons"), metricsServer: { values: { nodeSelector: { pool: "mine" } } } };
        const run = await runProgram({ stackDir: FIXTURE_DIR, stack: "prd", overrides: { "eks-platform:addons": addons } });
        expect(values(run, "metrics-server").nodeSelector).to.deep.equal({ [NODE_ROLE_LABEL]: "system", pool: "mine" });
    });

    it("with cluster-autoscaler the node groups are app capacity: no taint, no role, no controller placement", async () => {
        const run = await fixtureRun("autoscaler");
        expect(resourcesOfType(run, NODE_GROUP).length).to.be.greaterThan(0);
        for (const group of resourcesOfType(run, NODE_GROUP)) {
            expect((group.inputs.taints as any[]) ?? [], group.name).not.to.deep.include({
                key: SYSTEM_TAINT.key,
                value: "true",
                effect: "NO_SCHEDULE",
            });
            expect(group.inputs.labels ?? {}, group.name).not.to.have.property(NODE_ROLE_LABEL);
        }
        expect(values(run, "cluster-autoscaler")).not.to.have.property("nodeSelector");
        expect(addonConfiguration(run, "coredns")).to.equal(undefined);
    });

    it("a chart without known controller paths is refused, not installed unplaced", () => {
        expect(() => placementValues("new-chart", systemPlacement())).to.throw("No controller placement paths for chart new-chart");
    });
});
