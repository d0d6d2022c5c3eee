/**
 * Version lifecycle: one per-minor table, EKS-managed add-ons at its exact versions, and a stack
 * refused when its minor would bill extended support without saying so.
 */
import { expect } from "chai";
import {
    amiReleaseProblems,
    daysOfStandardSupportLeft,
    EKS_MANAGED_ADDONS,
    KUBERNETES_MINORS,
    pastExtendedSupport,
    pastStandardSupport,
    RETIRED_MINORS,
    SUPPORTED_KUBERNETES_VERSIONS,
} from "../stacks/kubernetes-versions";
import { NODE_POLICIES } from "../components/cluster/eks-cluster";
import { amiAlias } from "../components/kube-system-addons/karpenter";
import { FIXTURE_DIR, fixtureRun, fixtureSection, readFixtureConfig } from "./support/fixtures";
import { parseStackConfig, StackConfigError } from "../stacks/config";
import { resourceNamed, resourcesOfType, runProgram } from "../offline/program-run";
import { fargateOnlyCluster, fieldReportRun } from "./support/compute-variants";

const ADDON = "aws:eks/addon:Addon";
const ON = (day: string) => new Date(`${day}T12:00:00Z`);

function problemsOn(stack: string, day: string, edit: (cluster: any) => void): string[] {
    const cluster = fixtureSection(stack, "cluster");
    edit(cluster);
    try {
        parseStackConfig(stack, readFixtureConfig(stack, { overrides: { "eks-platform:cluster": cluster } }), { today: ON(day) });
        return [];
    } catch (error) {
        if (!(error instanceof StackConfigError)) {
            throw error;
        }
        return error.message
            .split("\n")
            .slice(1)
            .map((line) => line.replace(/^ {2}- /, ""));
    }
}

describe("Kubernetes versions", () => {
    describe("the per-minor table", () => {
        it("supports 1.33 to 1.36", () => {
            expect(SUPPORTED_KUBERNETES_VERSIONS).to.deep.equal(["1.33", "1.34", "1.35", "1.36"]);
        });

        for (const [version, minor] of Object.entries(KUBERNETES_MINORS)) {
            it(`${version}: dates in order, one year of extended support, every add-on at an exact EKS build, its own kube-proxy and autoscaler`, () => {
                expect(minor.endOfStandardSupport < minor.endOfExtendedSupport).to.equal(true);
                expect(Number(minor.endOfExtendedSupport.slice(0, 4)) - Number(minor.endOfStandardSupport.slice(0, 4))).to.equal(1);
                expect(minor.endOfExtendedSupport.slice(4)).to.equal(minor.endOfStandardSupport.slice(4));
                expect(Object.keys(minor.addons)).to.have.members([...EKS_MANAGED_ADDONS]);
                for (const [addon, addonVersion] of Object.entries(minor.addons)) {
                    expect(addonVersion, addon).to.match(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
                }
                expect(minor.addons["kube-proxy"]).to.match(new RegExp(`^v${version.replace(".", "\\.")}\\.`));
                expect(minor.clusterAutoscalerImageTag).to.match(new RegExp(`^v${version.replace(".", "\\.")}\\.\\d+$`));
            });
        }

        it("pins the EKS calendar: 1.34's standard support ends on 2026-12-02, its extended support a year later", () => {
            expect(KUBERNETES_MINORS["1.34"]).to.deep.include({ endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" });
            expect(KUBERNETES_MINORS["1.35"]).to.deep.include({ endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" });
            expect(RETIRED_MINORS["1.32"]).to.deep.equal({ endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" });
        });

        it("counts the last day of standard support as supported, and the next as past it", () => {
            const minor = KUBERNETES_MINORS["1.34"];
            expect(daysOfStandardSupportLeft(minor, ON("2026-11-26"))).to.equal(7);
            expect(pastStandardSupport(minor, ON("2026-12-02"))).to.equal(false);
            expect(pastStandardSupport(minor, ON("2026-12-03"))).to.equal(true);
            expect(pastExtendedSupport(minor, ON("2027-12-02"))).to.equal(false);
            expect(pastExtendedSupport(minor, ON("2027-12-03"))).to.equal(true);
        });
    });

    describe("config", () => {
        it("refuses 1.32 with its dates", () => {
            expect(
                problemsOn("stg", "2026-11-26", (c) => {
                    c.kubernetesVersion = "1.32";
                }),
            ).to.deep.equal([
                '[stg] eks-platform:cluster.kubernetesVersion = "1.32": expected a supported Kubernetes minor (1.33 to 1.36): 1.32 left EKS standard support on 2026-03-23 and leaves extended support on 2027-03-23; upgrade one minor at a time',
            ]);
        });

        it("refuses a minor newer than the table, pointing at it", () => {
            expect(
                problemsOn("dev", "2026-11-26", (c) => {
                    c.kubernetesVersion = "1.37";
                }),
            ).to.deep.equal([
                '[dev] eks-platform:cluster.kubernetesVersion = "1.37": expected a supported Kubernetes minor (1.33 to 1.36): 1.37 is newer than 1.36; add its row to stacks/kubernetes-versions.ts first',
            ]);
        });

        it("refuses a minor past standard support under the STANDARD policy, with the dates and the way out", () => {
            expect(
                problemsOn("stg", "2026-11-26", (c) => {
                    c.kubernetesVersion = "1.33";
                }),
            ).to.deep.equal([
                '[stg] eks-platform:cluster.kubernetesVersion = "1.33": expected a minor in EKS standard support: 1.33 left it on 2026-07-29 (extended support, about six times the cluster-hour price, runs to 2027-07-29); upgrade one minor at a time, or set cluster.upgradePolicy: EXTENDED to pay for it on purpose',
            ]);
        });

        it("accepts it when EXTENDED is chosen explicitly, until extended support ends", () => {
            expect(
                problemsOn("stg", "2026-11-26", (c) => {
                    c.kubernetesVersion = "1.33";
                    c.upgradePolicy = "EXTENDED";
                }),
            ).to.deep.equal([]);
            expect(
                problemsOn("stg", "2027-07-30", (c) => {
                    c.kubernetesVersion = "1.33";
                    c.upgradePolicy = "EXTENDED";
                }),
            ).to.deep.equal([
                '[stg] eks-platform:cluster.kubernetesVersion = "1.33": expected a minor EKS still supports: 1.33 left standard support on 2026-07-29 and extended support on 2027-07-29; upgrade one minor at a time',
            ]);
        });

        it("judges by the day: 1.34 passes on its last day of standard support and is refused the day after", () => {
            const to134 = (c: any) => {
                c.kubernetesVersion = "1.34";
            };
            expect(problemsOn("prd", "2026-12-02", to134)).to.deep.equal([]);
            expect(problemsOn("prd", "2026-12-03", to134)).to.have.length(1);
        });

        it("defaults the upgrade policy to STANDARD and refuses anything else", () => {
            expect(
                problemsOn("dev", "2026-11-26", (c) => {
                    delete c.upgradePolicy;
                }),
            ).to.deep.equal([]);
            expect(
                problemsOn("dev", "2026-11-26", (c) => {
                    c.upgradePolicy = "extended";
                }),
            ).to.deep.equal(['[dev] eks-platform:cluster.upgradePolicy = "extended": expected "STANDARD" or "EXTENDED"']);
        });
    });

    describe("the committed stacks", () => {
        it("run STANDARD with at least 60 days of standard support left on 2026-11-26; dev rehearses the newest minor", async () => {
            const versions: Record<string, string> = {};
            for (const stack of ["dev", "stg", "prd"]) {
                const cluster = resourceNamed(await fixtureRun(stack), "eks:index:Cluster", "eks-cluster").inputs;
                expect(cluster.upgradePolicy, stack).to.deep.equal({ supportType: "STANDARD" });
                versions[stack] = cluster.version as string;
                expect(daysOfStandardSupportLeft(KUBERNETES_MINORS[versions[stack]], ON("2026-11-26")), stack).to.be.at.least(60);
            }
            expect(versions).to.deep.equal({ dev: "1.36", stg: "1.35", prd: "1.35" });
        });

        it("a stack set to 1.36 renders", async () => {
            const cluster = fixtureSection("prd", "cluster");
            cluster.kubernetesVersion = "1.36";
            const run = await runProgram({ stackDir: FIXTURE_DIR, stack: "prd", overrides: { "eks-platform:cluster": cluster } });
            expect(resourceNamed(run, "eks:index:Cluster", "eks-cluster").inputs.version).to.equal("1.36");
        });
    });

    describe("EKS-managed add-ons", () => {
        for (const stack of ["dev", "prd"]) {
            it(`${stack}: vpc-cni, kube-proxy, CoreDNS and the Pod Identity agent at the table's versions, and @pulumi/eks installs none of its own`, async () => {
                const run = await fixtureRun(stack);
                const cluster = resourceNamed(run, "eks:index:Cluster", "eks-cluster").inputs;
                const minor = KUBERNETES_MINORS[cluster.version as string];
                const addons = Object.fromEntries(resourcesOfType(run, ADDON).map((a) => [a.inputs.addonName, a.inputs]));
                for (const name of ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent"] as const) {
                    expect(addons[name], name).to.deep.include({
                        addonVersion: minor.addons[name],
                        resolveConflictsOnCreate: "OVERWRITE",
                        resolveConflictsOnUpdate: "OVERWRITE",
                    });
                }
                expect(cluster.useDefaultVpcCni).to.equal(true);
                expect((cluster.kubeProxyAddonOptions as any).enabled).to.equal(false);
                expect((cluster.corednsAddonOptions as any).enabled).to.equal(false);
            });
        }

        it("gives vpc-cni its own Pod Identity role with the CNI policy, and takes that policy off the node role", async () => {
            const run = await fixtureRun("prd");
            const vpcCni = resourceNamed(run, ADDON, "eks-vpc-cni");
            const role = resourceNamed(run, "aws:iam/role:Role", "eks-vpc-cni");
            expect(vpcCni.inputs.podIdentityAssociations).to.deep.equal([
                { roleArn: "arn:aws:iam::123456789012:role/eks-vpc-cni-mock", serviceAccount: "aws-node" },
            ]);
            expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal).to.deep.equal({
                Service: "pods.eks.amazonaws.com",
            });
            const attachments = resourcesOfType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
            expect(
                attachments.filter((a) => a.inputs.policyArn === "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy").map((a) => a.name),
            ).to.deep.equal(["eks-vpc-cni"]);
            expect(NODE_POLICIES).not.to.include("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
            expect(vpcCni.dependencies).to.include(resourceNamed(run, ADDON, "eks-pod-identity-agent").urn);
        });

        it("installs the networking add-ons before the nodes and CoreDNS after them", async () => {
            const run = await fieldReportRun("prd");
            const [vpcCni, kubeProxy, agent, coreDns] = ["eks-vpc-cni", "eks-kube-proxy", "eks-pod-identity-agent", "eks-coredns"].map(
                (n) => resourceNamed(run, ADDON, n),
            );
            for (const group of [
                resourceNamed(run, "eks:index:ManagedNodeGroup", "eks-general"),
                resourceNamed(run, "aws:autoscaling/group:Group", "eks-burst"),
            ]) {
                expect(group.dependencies, group.name).to.include.members([vpcCni.urn, kubeProxy.urn, agent.urn]);
                expect(coreDns.dependencies).to.include(group.urn);
            }
        });

        it("keeps vpc-cni, kube-proxy and CoreDNS running if their managed add-on is ever removed", async () => {
            const run = await fixtureRun("dev");
            for (const name of ["eks-vpc-cni", "eks-kube-proxy", "eks-coredns"]) {
                expect(resourceNamed(run, ADDON, name).inputs.preserve, name).to.equal(true);
            }
        });

        it("runs CoreDNS on Fargate on a Fargate-only cluster, after its profiles", async () => {
            const run = await runProgram({
                stackDir: FIXTURE_DIR,
                stack: "stg",
                overrides: { "eks-platform:cluster": fargateOnlyCluster("stg") },
            });
            const coreDns = resourceNamed(run, ADDON, "eks-coredns");
            expect(JSON.parse(coreDns.inputs.configurationValues as string)).to.deep.equal({ computeType: "Fargate" });
            for (const profile of resourcesOfType(run, "aws:eks/fargateProfile:FargateProfile")) {
                expect(coreDns.dependencies).to.include(profile.urn);
            }
        });
    });
});

describe("the AMI release Karpenter's nodes run", () => {
    it("is pinned per minor, never older than the first release with that minor's AMIs", () => {
        expect(amiReleaseProblems()).to.deep.equal([]);
        for (const [version, minor] of Object.entries(KUBERNETES_MINORS)) {
            expect(minor.al2023AmiRelease, version).to.match(/^v20\d{6}$/);
            expect(minor.firstAl2023AmiRelease, version).to.match(/^v20\d{6}$/);
        }
    });

    it("names a row whose release predates its minor", () => {
        const row = { ...KUBERNETES_MINORS["1.36"], al2023AmiRelease: "v20260529" };
        expect(amiReleaseProblems({ "1.36": row })).to.deep.equal([
            "1.36: al2023AmiRelease v20260529 predates v20260610, the first release with 1.36 AMIs",
        ]);
    });

    it("follows the cluster's minor in the EC2NodeClass", async () => {
        const run = await fixtureRun("notifier");
        const nodeClass = resourcesOfType(run, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")[0].inputs as any;
        expect(nodeClass.spec.amiSelectorTerms).to.deep.equal([{ alias: `al2023@${KUBERNETES_MINORS["1.36"].al2023AmiRelease}` }]);
        expect(amiAlias("1.35")).to.equal(`al2023@${KUBERNETES_MINORS["1.35"].al2023AmiRelease}`);
    });
});
