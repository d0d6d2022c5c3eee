/**
 * Compute and storage: Karpenter by default (the field report's cluster-autoscaler setup as a
 * choice), node groups by OS and architecture, EBS CSI with a default gp3 class, and VPC CNI
 * prefix delegation with the max pods that goes with it.
 */
import { expect } from "chai";
import { KUBERNETES_MINORS } from "../stacks/kubernetes-versions";
import { parse as parseYaml } from "yaml";
import { parse as parseToml } from "smol-toml";
import * as karpenter from "../components/kube-system-addons/karpenter";
import { amiParameter, amiType, bottlerocketUserData, managedUserData } from "../components/cluster/user-data";
import { instanceArchitecture, nitroBased, tooSmallForPrefixDelegation } from "../stacks/instance-types";
import { ProgramRun, resourceNamed, resourcesOfType, runProgram } from "../offline/program-run";
import { configProblems } from "./support/config-problems";
import { fieldReportCluster, fieldReportRun } from "./support/compute-variants";
import { FIXTURE_DIR, fixtureRun, fixtureSection } from "./support/fixtures";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const MANAGED_GROUP = "eks:index:ManagedNodeGroup";
const ADDON = "aws:eks/addon:Addon";

function release(run: ProgramRun, name: string) {
    return resourcesOfType(run, RELEASE).find((r) => r.inputs.name === name)!;
}

function decode(userData: unknown): string {
    return Buffer.from(userData as string, "base64").toString();
}

function withCluster(stack: string, edit: (cluster: any) => void) {
    const cluster = fixtureSection(stack, "cluster");
    edit(cluster);
    return { overrides: { "eks-platform:cluster": cluster } };
}

describe("compute", () => {
    describe("Karpenter (the default)", () => {
        for (const stack of ["stg", "prd"]) {
            it(`${stack}: a pinned Karpenter release from its OCI chart, its CRDs from their own chart, on the managed system group`, async () => {
                const run = await fixtureRun(stack);
                const controller = release(run, "karpenter");
                const crds = release(run, "karpenter-crd");
                expect(controller.inputs).to.deep.include({
                    chart: "oci://public.ecr.aws/karpenter/karpenter",
                    version: "1.14.1",
                    skipCrds: true,
                    namespace: "kube-system",
                });
                expect(crds.inputs).to.deep.include({ chart: "oci://public.ecr.aws/karpenter/karpenter-crd", version: "1.14.1" });
                expect(controller.dependencies).to.include.members([crds.urn, resourceNamed(run, MANAGED_GROUP, "eks-system").urn]);
                const values = controller.inputs.values as any;
                expect(values.settings).to.deep.include({
                    clusterName: `eks-platform-${stack}`,
                    clusterEndpoint: `https://eks-platform-${stack}.mock.eks.amazonaws.com`,
                });
                // The queue's physical name, from the queue itself.
                expect(controller.dependencies).to.include(
                    resourceNamed(run, "aws:sqs/queue:Queue", "eks-addons-karpenter-interruption").urn,
                );
                expect(values.settings.interruptionQueue).to.be.a("string").and.not.equal("");
                expect(values.serviceAccount).to.deep.equal({ create: true, name: "karpenter" });
                expect(resourcesOfType(run, RELEASE).map((r) => r.inputs.name)).not.to.include.members([
                    "cluster-autoscaler",
                    "aws-node-termination-handler",
                ]);
            });

            it(`${stack}: karpenter.sh/v1 NodePools for spot and on-demand, arm64 and amd64, on a karpenter.k8s.aws/v1 EC2NodeClass`, async () => {
                const run = await fixtureRun(stack);
                const pools = Object.fromEntries(
                    resourcesOfType(run, NODE_POOL).map((p) => [(p.inputs.metadata as any).name, p.inputs.spec as any]),
                );
                expect(Object.keys(pools)).to.deep.equal(["on-demand", "spot"]);
                const requirement = (pool: any, key: string) => pool.template.spec.requirements.find((r: any) => r.key === key);
                expect(requirement(pools["on-demand"], "karpenter.sh/capacity-type").values).to.deep.equal(["on-demand"]);
                expect(requirement(pools.spot, "karpenter.sh/capacity-type").values).to.deep.equal(["spot"]);
                for (const pool of Object.values<any>(pools)) {
                    expect(requirement(pool, "kubernetes.io/arch").values).to.have.members(["arm64", "amd64"]);
                    expect(requirement(pool, "karpenter.k8s.aws/instance-hypervisor").values).to.deep.equal(["nitro"]);
                    expect(requirement(pool, "karpenter.k8s.aws/instance-size")).to.deep.equal({
                        key: "karpenter.k8s.aws/instance-size",
                        operator: "NotIn",
                        values: karpenter.EXCLUDED_SIZES,
                    });
                    expect(pool.template.spec.nodeClassRef).to.deep.equal({
                        group: "karpenter.k8s.aws",
                        kind: "EC2NodeClass",
                        name: "default",
                    });
                    expect(pool.limits.cpu).to.be.a("string");
                }
                expect(pools["on-demand"].weight).to.be.greaterThan(pools.spot.weight);
                const nodeClass = resourcesOfType(run, NODE_CLASS)[0].inputs as any;
                expect(nodeClass.apiVersion).to.equal("karpenter.k8s.aws/v1");
                expect(nodeClass.spec).to.deep.include({
                    role: "eks-karpenter-nodes-mock",
                    amiSelectorTerms: [
                        { alias: `al2023@${KUBERNETES_MINORS[fixtureSection(stack, "cluster").kubernetesVersion].al2023AmiRelease}` },
                    ],
                    securityGroupSelectorTerms: [{ id: `sg-cluster-eks-platform-${stack}` }],
                    kubelet: { maxPods: 110 },
                });
                expect(nodeClass.spec.subnetSelectorTerms.map((t: any) => t.id)).to.deep.equal([
                    "subnet-private-network-vpc-0",
                    "subnet-private-network-vpc-1",
                    "subnet-private-network-vpc-2",
                ]);
                expect(nodeClass.spec.metadataOptions).to.include({ httpTokens: "required", httpPutResponseHopLimit: 1 });
            });
        }

        it("takes each pool's settings from the stack config: families, sizes, limits, budgets, consolidation, expiry", async () => {
            const run = await runProgram({
                stackDir: FIXTURE_DIR,
                stack: "prd",
                ...withCluster("prd", (c) => {
                    c.nodePools.spot = {
                        capacityTypes: ["spot"],
                        architectures: ["arm64"],
                        instanceFamilies: ["m7g", "c7g"],
                        instanceSizes: ["large", "xlarge"],
                        limits: { cpu: "16", memory: "64Gi" },
                        consolidation: { policy: "WhenEmpty", after: "10m" },
                        budgets: [{ nodes: "1" }, { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h", reasons: ["Underutilized"] }],
                        expireAfter: "Never",
                        terminationGracePeriod: "2h",
                        labels: { workload: "batch" },
                        taints: [{ key: "batch", effect: "NoSchedule" }],
                    };
                }),
            });
            const spot = resourcesOfType(run, NODE_POOL).find((p) => (p.inputs.metadata as any).name === "spot")!.inputs.spec as any;
            expect(spot.template.spec.requirements).to.deep.include.members([
                { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
                { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m7g", "c7g"] },
                { key: "karpenter.k8s.aws/instance-size", operator: "In", values: ["large", "xlarge"] },
                { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
            ]);
            expect(spot.limits).to.deep.equal({ cpu: "16", memory: "64Gi" });
            expect(spot.disruption).to.deep.equal({
                consolidationPolicy: "WhenEmpty",
                consolidateAfter: "10m",
                budgets: [{ nodes: "1" }, { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h", reasons: ["Underutilized"] }],
            });
            expect(spot.template.spec).to.deep.include({
                expireAfter: "Never",
                terminationGracePeriod: "2h",
                taints: [{ key: "batch", effect: "NoSchedule" }],
            });
            // A pool that sets none still has one: a drain a PodDisruptionBudget blocks ends after 48h.
            const general = resourcesOfType(run, NODE_POOL).find((p) => (p.inputs.metadata as any).name !== "spot")!.inputs.spec as any;
            expect(general.template.spec.terminationGracePeriod).to.equal("48h");
            expect(spot.template.metadata.labels).to.deep.equal({ workload: "batch" });
        });

        it("feeds its interruption queue from EventBridge: spot interruption, rebalance, state change, scheduled change, capacity reservation", async () => {
            const run = await fixtureRun("prd");
            const queue = resourceNamed(run, "aws:sqs/queue:Queue", "eks-addons-karpenter-interruption");
            expect(queue.inputs).to.include({ messageRetentionSeconds: 300, sqsManagedSseEnabled: true });
            const rules = resourcesOfType(run, "aws:cloudwatch/eventRule:EventRule").filter((r) =>
                r.name.startsWith("eks-addons-karpenter-"),
            );
            expect(rules.map((r) => JSON.parse(r.inputs.eventPattern as string)["detail-type"][0])).to.have.members([
                "AWS Health Event",
                "EC2 Spot Instance Interruption Warning",
                "EC2 Instance Rebalance Recommendation",
                "EC2 Instance State-change Notification",
                "EC2 Capacity Reservation Instance Interruption Warning",
            ]);
            const targets = resourcesOfType(run, "aws:cloudwatch/eventTarget:EventTarget").filter((t) =>
                t.name.startsWith("eks-addons-karpenter-"),
            );
            expect(targets).to.have.length(rules.length);
            for (const target of targets) {
                expect(target.dependencies).to.include(queue.urn);
            }
            const policy = JSON.parse(
                resourceNamed(run, "aws:sqs/queuePolicy:QueuePolicy", "eks-addons-karpenter-interruption").inputs.policy as string,
            );
            expect(policy.Statement.map((s: any) => s.Sid)).to.deep.equal(["EventsToQueue", "DenyHTTP"]);
        });

        it("gives its nodes a role of their own with an EC2_LINUX access entry, and its controller a Pod Identity role that may pass only that role", async () => {
            const run = await fixtureRun("prd");
            const entry = resourceNamed(run, "aws:eks/accessEntry:AccessEntry", "eks-karpenter-nodes");
            expect(entry.inputs).to.deep.include({
                principalArn: "arn:aws:iam::123456789012:role/eks-karpenter-nodes-mock",
                type: "EC2_LINUX",
            });
            // Karpenter launches nodes for the node class; a node launched before the entry cannot join.
            expect(resourcesOfType(run, NODE_CLASS)[0].dependencies).to.include(entry.urn);
            const association = resourceNamed(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "eks-addons-karpenter");
            expect(association.inputs).to.include({ namespace: "kube-system", serviceAccount: "karpenter" });
            const policy = JSON.parse(resourceNamed(run, "aws:iam/rolePolicy:RolePolicy", "eks-addons-karpenter").inputs.policy as string);
            expect(policy.Statement.find((s: any) => s.Sid === "AllowPassingInstanceRole").Resource).to.equal(
                "arn:aws:iam::123456789012:role/eks-karpenter-nodes-mock",
            );
            expect(policy.Statement.find((s: any) => s.Sid === "AllowInterruptionQueueActions").Resource).to.match(
                /^arn:aws:sqs:eu-west-1:123456789012:/,
            );
        });

        it("creates its NodePools after the controller and deletes them before it (their finalizers terminate the nodes)", async () => {
            const run = await fixtureRun("prd");
            const controller = release(run, "karpenter");
            const nodeClass = resourcesOfType(run, NODE_CLASS)[0];
            expect(nodeClass.dependencies).to.include(controller.urn);
            for (const pool of resourcesOfType(run, NODE_POOL)) {
                expect(pool.dependencies).to.include.members([controller.urn, nodeClass.urn]);
            }
            // Apps run on Karpenter's nodes: they wait for the pools.
            const app = resourceNamed(run, "kubernetes:apps/v1:Deployment", "web");
            for (const pool of resourcesOfType(run, NODE_POOL)) {
                expect(app.dependencies).to.include(pool.urn);
            }
        });

        it("with cluster.autoscaler: cluster-autoscaler renders the field report's setup: the autoscaler, the termination handler, a self-managed spot group", async () => {
            const run = await fieldReportRun("prd");
            const names = resourcesOfType(run, RELEASE).map((r) => r.inputs.name);
            expect(names).to.include.members(["cluster-autoscaler", "aws-node-termination-handler"]);
            expect(names).not.to.include.members(["karpenter", "karpenter-crd"]);
            expect(resourcesOfType(run, NODE_POOL)).to.deep.equal([]);
            expect(resourceNamed(run, "aws:autoscaling/group:Group", "eks-burst").inputs).to.include({ capacityRebalance: true });
            expect(resourcesOfType(run, "aws:iam/role:Role").map((r) => r.name)).not.to.include("eks-karpenter-nodes");
        });
    });

    describe("node groups by OS and architecture", () => {
        it("a group with os: bottlerocket and architecture: arm64 renders a BOTTLEROCKET_ARM_64 managed group with TOML user data", async () => {
            const run = await runProgram({
                stackDir: FIXTURE_DIR,
                stack: "prd",
                ...withCluster("prd", (c) => {
                    c.nodeGroups.system.os = "bottlerocket";
                }),
            });
            const group = resourceNamed(run, MANAGED_GROUP, "eks-system");
            expect(group.inputs.amiType).to.equal("BOTTLEROCKET_ARM_64");
            const template = resourceNamed(run, "aws:ec2/launchTemplate:LaunchTemplate", "eks-system");
            expect(parseToml(decode(template.inputs.userData))).to.deep.equal({ settings: { kubernetes: { "max-pods": 110 } } });
            expect((template.inputs.blockDeviceMappings as any[]).map((b) => b.deviceName)).to.deep.equal(["/dev/xvda", "/dev/xvdb"]);
        });

        it("AL2023 managed groups get a nodeadm NodeConfig with the kubelet's max pods, for prefix delegation", async () => {
            const template = resourceNamed(await fixtureRun("dev"), "aws:ec2/launchTemplate:LaunchTemplate", "eks-system");
            const userData = decode(template.inputs.userData);
            expect(userData).to.match(/^MIME-Version: 1.0\nContent-Type: multipart\/mixed; boundary="NODEADM"/);
            const nodeConfig = parseYaml(userData.split("application/node.eks.aws\n\n")[1].split("\n--NODEADM--")[0]);
            expect(nodeConfig).to.deep.equal({
                apiVersion: "node.eks.aws/v1alpha1",
                kind: "NodeConfig",
                spec: { kubelet: { config: { maxPods: 110 } } },
            });
        });

        it("self-managed Bottlerocket nodes join with their cluster, labels, taints and max pods in TOML, from the Bottlerocket AMI of their architecture", async () => {
            const cluster = fieldReportCluster("prd");
            Object.assign(cluster.nodeGroups.burst, {
                os: "bottlerocket",
                architecture: "arm64",
                instanceTypes: ["m7g.xlarge", "m6g.xlarge"],
                taints: [{ key: "spot", value: "true", effect: "NoSchedule" }],
            });
            const run = await runProgram({ stackDir: FIXTURE_DIR, stack: "prd", overrides: { "eks-platform:cluster": cluster } });
            const template = resourceNamed(run, "aws:ec2/launchTemplate:LaunchTemplate", "eks-burst");
            expect(template.inputs.imageId).to.equal("resolve:ssm:/aws/service/bottlerocket/aws-k8s-1.35/arm64/latest/image_id");
            expect(parseToml(decode(template.inputs.userData))).to.deep.equal({
                settings: {
                    kubernetes: {
                        "api-server": "https://eks-platform-prd.mock.eks.amazonaws.com",
                        "cluster-certificate": "bW9jayBjZXJ0aWZpY2F0ZSBhdXRob3JpdHk=",
                        "cluster-name": "eks-platform-prd",
                        "max-pods": 110,
                        "node-labels": { "role": "burst", "eks-platform/node-group": "burst" },
                        "node-taints": { spot: ["true:NoSchedule"] },
                    },
                },
            });
        });

        it("map OS and architecture to the AMI type and the SSM parameter EKS publishes", () => {
            expect(amiType("al2023", "x86_64")).to.equal("AL2023_x86_64_STANDARD");
            expect(amiType("al2023", "arm64")).to.equal("AL2023_ARM_64_STANDARD");
            expect(amiType("bottlerocket", "x86_64")).to.equal("BOTTLEROCKET_x86_64");
            expect(amiType("bottlerocket", "arm64")).to.equal("BOTTLEROCKET_ARM_64");
            expect(amiParameter("al2023", "arm64", "1.36")).to.equal(
                "resolve:ssm:/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/arm64/standard/recommended/image_id",
            );
            expect(managedUserData("bottlerocket")).to.equal(bottlerocketUserData());
        });

        it("know an instance type's architecture, hypervisor and pod capacity from its name", () => {
            for (const type of [
                "m7g.large",
                "c7gn.xlarge",
                "r8gd.2xlarge",
                "t4g.medium",
                "a1.large",
                "im4gn.large",
                "g5g.xlarge",
                "hpc7g.4xlarge",
            ]) {
                expect(instanceArchitecture(type), type).to.equal("arm64");
            }
            for (const type of ["m6i.large", "m6a.large", "c7i-flex.large", "g5.xlarge", "g4dn.xlarge", "t3.medium", "p6-b200.48xlarge"]) {
                expect(instanceArchitecture(type), type).to.equal("x86_64");
            }
            expect(nitroBased("m5.large")).to.equal(true);
            expect(nitroBased("m4.large")).to.equal(false);
            expect(nitroBased("t2.medium")).to.equal(false);
            expect(tooSmallForPrefixDelegation("m7g.medium")).to.equal(true);
            expect(tooSmallForPrefixDelegation("t3.micro")).to.equal(true);
            expect(tooSmallForPrefixDelegation("t4g.medium")).to.equal(false);
            expect(tooSmallForPrefixDelegation("m6i.large")).to.equal(false);
        });
    });

    describe("storage", () => {
        it("runs the EBS CSI driver as an EKS add-on at the table's version, with its own Pod Identity role, after the nodes", async () => {
            const run = await fixtureRun("prd");
            const driver = resourceNamed(run, ADDON, "eks-ebs-csi-driver");
            expect(driver.inputs).to.deep.include({ addonName: "aws-ebs-csi-driver", addonVersion: "v1.66.0-eksbuild.1" });
            expect(driver.inputs.podIdentityAssociations).to.deep.equal([
                { roleArn: "arn:aws:iam::123456789012:role/eks-ebs-csi-driver-mock", serviceAccount: "ebs-csi-controller-sa" },
            ]);
            expect(resourceNamed(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "eks-ebs-csi-driver").inputs.policyArn).to.equal(
                "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
            );
            expect(driver.dependencies).to.include(resourceNamed(run, MANAGED_GROUP, "eks-system").urn);
        });

        it("makes an encrypted gp3 class the default and takes the default away from the legacy gp2 class", async () => {
            const run = await fixtureRun("prd");
            const gp3 = resourceNamed(run, "kubernetes:storage.k8s.io/v1:StorageClass", "eks-gp3").inputs as any;
            expect(gp3.metadata.annotations).to.deep.equal({ "storageclass.kubernetes.io/is-default-class": "true" });
            expect(gp3).to.deep.include({
                provisioner: "ebs.csi.aws.com",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            });
            expect(gp3.parameters).to.include({ type: "gp3", encrypted: "true" });
            const gp2 = resourceNamed(run, "kubernetes:storage.k8s.io/v1:StorageClassPatch", "eks-gp2-not-default").inputs as any;
            expect(gp2.metadata).to.deep.equal({ name: "gp2", annotations: { "storageclass.kubernetes.io/is-default-class": "false" } });
        });
    });

    describe("pod density", () => {
        it("turns VPC CNI prefix delegation on before any node exists", async () => {
            const run = await fixtureRun("prd");
            const vpcCni = resourceNamed(run, ADDON, "eks-vpc-cni");
            expect(JSON.parse(vpcCni.inputs.configurationValues as string)).to.deep.equal({
                env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "1" },
            });
            expect(resourceNamed(run, MANAGED_GROUP, "eks-system").dependencies).to.include(vpcCni.urn);
        });
    });

    describe("refuses", () => {
        const cases: [string, string, (c: any) => void, string[]][] = [
            [
                "an arm64 group of x86 instance types",
                "prd",
                (c) => {
                    c.nodeGroups.system.instanceTypes = ["m6i.large"];
                },
                [
                    '[prd] eks-platform:cluster.nodeGroups.system.instanceTypes.0 = "m6i.large": expected an arm64 instance type: m6i.large is x86_64; set architecture: x86_64 or pick another type',
                ],
            ],
            [
                "an x86_64 group of Graviton instance types",
                "stg",
                (c) => {
                    c.nodeGroups.system.architecture = "x86_64";
                },
                [
                    '[stg] eks-platform:cluster.nodeGroups.system.instanceTypes.0 = "m7g.large": expected an x86_64 instance type: m7g.large is arm64 (Graviton); set architecture: arm64 or pick another type',
                    '[stg] eks-platform:cluster.nodeGroups.system.instanceTypes.1 = "m6g.large": expected an x86_64 instance type: m6g.large is arm64 (Graviton); set architecture: arm64 or pick another type',
                ],
            ],
            [
                "an unknown OS",
                "dev",
                (c) => {
                    c.nodeGroups.system.os = "ubuntu";
                },
                ['[dev] eks-platform:cluster.nodeGroups.system.os = "ubuntu": expected "al2023" or "bottlerocket"'],
            ],
            [
                "a Xen instance type, which cannot take pod prefixes",
                "dev",
                (c) => {
                    c.nodeGroups.system = { ...c.nodeGroups.system, architecture: "x86_64", instanceTypes: ["m4.large"] };
                },
                [
                    '[dev] eks-platform:cluster.nodeGroups.system.instanceTypes.0 = "m4.large": expected a Nitro-based instance type: pods get IP prefixes (VPC CNI prefix delegation), which Xen-based types cannot take',
                ],
            ],
            [
                "an instance size too small for 110 pods",
                "prd",
                (c) => {
                    c.nodeGroups.system.instanceTypes = ["m7g.medium"];
                },
                [
                    '[prd] eks-platform:cluster.nodeGroups.system.instanceTypes.0 = "m7g.medium": expected a size of large or more (t family: small or more): every node takes 110 pods, for which this size has too few IP addresses',
                ],
            ],
            [
                "a self-managed group with Karpenter",
                "stg",
                (c) => {
                    c.nodeGroups.spot = {
                        kind: "self-managed",
                        architecture: "arm64",
                        instanceTypes: ["m7g.large"],
                        minSize: 0,
                        desiredSize: 0,
                        maxSize: 2,
                    };
                },
                [
                    '[stg] eks-platform:cluster.nodeGroups.spot.kind = "self-managed": expected managed node groups only with Karpenter: its NodePools provide the spot and burst capacity a self-managed group gave',
                ],
            ],
            [
                "Karpenter with no NodePool",
                "prd",
                (c) => {
                    c.nodePools = {};
                },
                [
                    "[prd] eks-platform:cluster.nodePools = {}: expected at least one NodePool with Karpenter: it provisions nodes only for pools",
                ],
            ],
            [
                "NodePools with cluster-autoscaler",
                "prd",
                (c) => {
                    c.autoscaler = "cluster-autoscaler";
                },
                [
                    '[prd] eks-platform:cluster.nodePools = ["on-demand","spot"]: expected no NodePools without Karpenter (autoscaler: cluster-autoscaler)',
                ],
            ],
            [
                "an unknown autoscaler",
                "dev",
                (c) => {
                    c.autoscaler = "keda";
                },
                ['[dev] eks-platform:cluster.autoscaler = "keda": expected "karpenter" or "cluster-autoscaler"'],
            ],
            [
                "a NodePool without limits",
                "prd",
                (c) => {
                    delete c.nodePools.spot.limits;
                },
                ["[prd] eks-platform:cluster.nodePools.spot.limits = (not set): is required: expected object"],
            ],
            [
                "a NodePool budget with a schedule but no duration",
                "prd",
                (c) => {
                    c.nodePools.spot.budgets = [{ nodes: "0", schedule: "0 9 * * *" }];
                },
                [
                    "[prd] eks-platform:cluster.nodePools.spot.budgets.0.duration = (not set): is required with the other: a budget's schedule and duration go together",
                ],
            ],
            [
                "a NodePool budget given as a bare number",
                "prd",
                (c) => {
                    c.nodePools.spot.budgets = [{ nodes: 10 }];
                },
                [
                    '[prd] eks-platform:cluster.nodePools.spot.budgets.0.nodes = 10: expected a quoted count or percentage such as "1" or "10%"',
                ],
            ],
            [
                "an unknown consolidation policy",
                "prd",
                (c) => {
                    c.nodePools.spot.consolidation = { policy: "WhenUnderutilized" };
                },
                [
                    '[prd] eks-platform:cluster.nodePools.spot.consolidation.policy = "WhenUnderutilized": expected "WhenEmpty", "WhenEmptyOrUnderutilized" or "Balanced"',
                ],
            ],
            [
                "an expiry in days",
                "prd",
                (c) => {
                    c.nodePools.spot.expireAfter = "30d";
                },
                ['[prd] eks-platform:cluster.nodePools.spot.expireAfter = "30d": expected a duration such as 30s, 5m, 720h or "Never"'],
            ],
            [
                "a drain that may never end",
                "prd",
                (c) => {
                    c.nodePools.spot.terminationGracePeriod = "Never";
                },
                [
                    '[prd] eks-platform:cluster.nodePools.spot.terminationGracePeriod = "Never": expected a duration such as 30m or 48h (no "Never": a drain must end)',
                ],
            ],
            [
                "an architecture named as the AMI names it",
                "prd",
                (c) => {
                    c.nodePools.spot.architectures = ["x86_64"];
                },
                ['[prd] eks-platform:cluster.nodePools.spot.architectures.0 = "x86_64": expected "amd64" or "arm64"'],
            ],
        ];
        for (const [what, stack, edit, expected] of cases) {
            it(what, () => {
                expect(configProblems(stack, withCluster(stack, edit))).to.deep.equal(expected);
            });
        }

        it("cluster-autoscaler forced on next to Karpenter, and Karpenter forced either way", () => {
            expect(
                configProblems("prd", {
                    overrides: { "eks-platform:addons": { clusterAutoscaler: { enabled: true }, karpenter: { enabled: false } } },
                }),
            ).to.deep.equal([
                "[prd] eks-platform:addons.clusterAutoscaler.enabled = true: expected false with Karpenter (cluster.autoscaler): two autoscalers would fight over the same nodes",
                "[prd] eks-platform:addons.karpenter.enabled = false: expected true, or no value: Karpenter is the cluster's autoscaler (cluster.autoscaler)",
            ]);
            expect(
                configProblems("prd", {
                    overrides: {
                        "eks-platform:addons": { karpenter: { enabled: true } },
                        "eks-platform:cluster": fieldReportCluster("prd"),
                    },
                }),
            ).to.deep.equal([
                "[prd] eks-platform:addons.karpenter.enabled = true: expected false, or no value: set cluster.autoscaler: karpenter to run Karpenter",
            ]);
        });
    });
});
