import { expect } from "chai";
import { parse } from "yaml";
import { adminPrincipals } from "./support/access";
import { EksCluster } from "../components/cluster/eks-cluster";
import {
    autoscalerDiscoveryTags,
    autoscalerNodeTemplateTags,
    NODE_GROUP_LABEL,
    TERMINATION_HANDLER_TAG,
} from "../components/cluster/node-groups";
import { nodeadmUserData } from "../components/cluster/user-data";
import { AppRelease } from "../components/app/app-release";
import { KubeSystemAddons } from "../components/kube-system-addons";
import { loadStackConfig } from "../stacks/config";
import { resourceNamed, resourcesOfType, runProgram, SECRET_MASK } from "../offline/program-run";
import { fieldReportRun } from "./support/compute-variants";
import { FIXTURE_DIR, fixtureRun, fixtureSection } from "./support/fixtures";

const CLUSTER = "eks:index:Cluster";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const ASG = "aws:autoscaling/group:Group";
const MANAGED_GROUP = "eks:index:ManagedNodeGroup";

function asgTags(inputs: Record<string, any>): Record<string, string> {
    return Object.fromEntries((inputs.tags as { key: string; value: string }[]).map((t) => [t.key, t.value]));
}

describe("EksCluster", () => {
    it("puts the cluster in the private subnets with API access entries for the configured admins", async () => {
        const run = await fixtureRun("prd");
        const cluster = resourceNamed(run, CLUSTER, "eks-cluster").inputs as Record<string, any>;
        expect(cluster.privateSubnetIds).to.deep.equal([
            "subnet-private-network-vpc-0",
            "subnet-private-network-vpc-1",
            "subnet-private-network-vpc-2",
        ]);
        expect(cluster).not.to.have.property("publicSubnetIds");
        expect(cluster.nodeAssociatePublicIpAddress).to.equal(false);
        expect(cluster.authenticationMode).to.equal("API");
        expect(adminPrincipals(run)).to.deep.equal([
            "arn:aws:iam::333344445555:role/platform-admin",
            "arn:aws:iam::333344445555:role/oncall-breakglass",
        ]);
    });

    it("encrypts secrets with its own KMS key, rotation on", async () => {
        const run = await fixtureRun("dev");
        const key = resourceNamed(run, "aws:kms/key:Key", "eks-secrets");
        expect(key.inputs.enableKeyRotation).to.equal(true);
        const cluster = resourceNamed(run, CLUSTER, "eks-cluster");
        expect(cluster.inputs.encryptionConfigKeyArn).to.equal("arn:aws:kms:eu-west-1:123456789012:key/key-eks-secrets");
        expect(cluster.dependencies).to.include(key.urn);
    });

    it("sends api, audit and authenticator logs in every stage, and all five in prd", async () => {
        for (const stack of ["dev", "stg"]) {
            const cluster = resourceNamed(await fixtureRun(stack), CLUSTER, "eks-cluster");
            expect(cluster.inputs.enabledClusterLogTypes, stack).to.deep.equal(["api", "audit", "authenticator"]);
        }
        const prd = resourceNamed(await fixtureRun("prd"), CLUSTER, "eks-cluster");
        expect(prd.inputs.enabledClusterLogTypes).to.deep.equal(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    });

    it("restricts the public endpoint to the configured CIDRs and keeps the private endpoint on", async () => {
        const cluster = resourceNamed(await fixtureRun("prd"), CLUSTER, "eks-cluster").inputs;
        expect(cluster.endpointPrivateAccess).to.equal(true);
        expect(cluster.endpointPublicAccess).to.equal(true);
        expect(cluster.publicAccessCidrs).to.deep.equal(["203.0.113.0/24", "198.51.100.10/32"]);
    });

    it("makes a private-only endpoint when public access is off, reached by CI runners inside the VPC", async () => {
        const cluster = fixtureSection("stg", "cluster");
        cluster.endpoint = { publicAccess: false };
        const ci = { ...fixtureSection("stg", "ci"), runnerCidrs: ["10.20.250.0/24"] };
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "stg",
            overrides: { "eks-platform:cluster": cluster, "eks-platform:ci": ci },
        });
        const inputs = resourceNamed(run, CLUSTER, "eks-cluster").inputs;
        expect(inputs.endpointPublicAccess).to.equal(false);
        expect(inputs).not.to.have.property("publicAccessCidrs");
        const rule = resourceNamed(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "eks-api-from-ci-10-20-250-0-24");
        expect(rule.inputs).to.deep.include({
            securityGroupId: "sg-cluster-eks-platform-stg",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "10.20.250.0/24",
        });
    });

    it("opens no security group to runners that use the public endpoint", async () => {
        const run = await fixtureRun("prd");
        expect(
            resourcesOfType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
                r.name.startsWith("eks-api-from-ci"),
            ),
        ).to.deep.equal([]);
    });

    it("pins the Kubernetes version per stack", async () => {
        expect(resourceNamed(await fixtureRun("dev"), CLUSTER, "eks-cluster").inputs.version).to.equal("1.36");
        expect(resourceNamed(await fixtureRun("prd"), CLUSTER, "eks-cluster").inputs.version).to.equal("1.35");
    });

    it("runs node groups on launch templates that require IMDSv2 with a hop limit of 1", async () => {
        for (const stack of ["dev", "stg", "prd"]) {
            const templates = resourcesOfType(await fixtureRun(stack), LAUNCH_TEMPLATE);
            expect(templates.length, stack).to.be.greaterThan(0);
            for (const template of templates) {
                expect(template.inputs.metadataOptions, `${stack} ${template.name}`).to.deep.include({
                    httpTokens: "required",
                    httpPutResponseHopLimit: 1,
                    httpEndpoint: "enabled",
                });
                expect((template.inputs.blockDeviceMappings as any[])[0].ebs).to.include({ encrypted: "true", volumeType: "gp3" });
            }
        }
    });

    it("dev has one small on-demand Graviton system group and no self-managed capacity", async () => {
        const run = await fixtureRun("dev");
        const [group] = resourcesOfType(run, MANAGED_GROUP);
        expect(resourcesOfType(run, MANAGED_GROUP)).to.have.length(1);
        expect(group.inputs).to.deep.include({
            capacityType: "ON_DEMAND",
            instanceTypes: ["t4g.medium"],
            amiType: "AL2023_ARM_64_STANDARD",
            ignoreScalingChanges: true,
            scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 2 },
        });
        expect(resourcesOfType(run, ASG)).to.have.length(0);
        expect(resourcesOfType(run, "aws:iam/instanceProfile:InstanceProfile")).to.have.length(0);
    });

    it("managed groups use our launch template and carry the autoscaler discovery tags", async () => {
        const run = await fieldReportRun("prd");
        const group = resourceNamed(run, MANAGED_GROUP, "eks-general");
        const template = resourceNamed(run, LAUNCH_TEMPLATE, "eks-general");
        expect(group.dependencies).to.include(template.urn);
        expect(group.inputs.launchTemplate).to.deep.equal({ id: "eks-general-id", version: "1" });
        expect(group.inputs.tags).to.deep.include(autoscalerDiscoveryTags("eks-platform-prd"));
        expect(group.inputs).to.deep.include({ instanceTypes: ["m6i.xlarge"], scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 9 } });
    });

    it("with cluster-autoscaler, stg and prd add a self-managed spot ASG the autoscaler and termination handler can find", async () => {
        for (const stack of ["stg", "prd"]) {
            const run = await fieldReportRun(stack);
            const asg = resourceNamed(run, ASG, "eks-burst");
            const tags = asgTags(asg.inputs);
            expect(tags, stack).to.include({
                ...autoscalerDiscoveryTags(`eks-platform-${stack}`),
                "k8s.io/cluster-autoscaler/node-template/label/role": "burst",
                [`kubernetes.io/cluster/eks-platform-${stack}`]: "owned",
            });
            expect(tags).to.have.property(TERMINATION_HANDLER_TAG);
            const policy = asg.inputs.mixedInstancesPolicy as any;
            expect(policy.instancesDistribution).to.include({
                onDemandPercentageAboveBaseCapacity: 0,
                spotAllocationStrategy: "price-capacity-optimized",
            });
            expect(policy.launchTemplate.overrides.length).to.be.greaterThan(1);
            expect(asg.inputs.capacityRebalance).to.equal(true);
            expect(run.options.get(asg.urn)!.ignoreChanges).to.deep.equal(["desiredCapacity"]);
        }
    });

    it("points the self-managed ASG at its launch template's explicit latest version, so a new version refreshes the nodes", async () => {
        const run = await fieldReportRun("prd");
        const asg = resourceNamed(run, ASG, "eks-burst");
        const template = resourceNamed(run, LAUNCH_TEMPLATE, "eks-burst");
        const spec = (asg.inputs.mixedInstancesPolicy as any).launchTemplate.launchTemplateSpecification;
        expect(spec).to.deep.equal({ launchTemplateId: "eks-burst-id", version: "1" });
        expect(asg.dependencies).to.include(template.urn);
        expect((asg.inputs.instanceRefresh as any).strategy).to.equal("Rolling");
    });

    it("joins self-managed nodes through an EC2_LINUX access entry and nodeadm user data", async () => {
        const run = await fieldReportRun("prd");
        const role = resourceNamed(run, "aws:iam/role:Role", "eks-self-managed-nodes");
        const entry = resourceNamed(run, "aws:eks/accessEntry:AccessEntry", "eks-self-managed-nodes");
        expect(entry.inputs).to.deep.include({
            principalArn: "arn:aws:iam::123456789012:role/eks-self-managed-nodes-mock",
            type: "EC2_LINUX",
        });
        expect(entry.dependencies).to.include(role.urn);
        // A node that boots before its role has an entry cannot join.
        expect(resourceNamed(run, "aws:autoscaling/group:Group", "eks-burst").dependencies).to.include(entry.urn);
        const template = resourceNamed(run, LAUNCH_TEMPLATE, "eks-burst").inputs;
        expect(template.imageId).to.equal(
            "resolve:ssm:/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id",
        );
        const userData = Buffer.from(template.userData as string, "base64").toString();
        const nodeConfig = parse(userData.split("Content-Type: application/node.eks.aws\n\n")[1].split("\n--NODEADM--")[0]);
        expect(nodeConfig.spec.cluster).to.deep.include({ name: "eks-platform-prd", cidr: "172.20.0.0/16" });
        expect(nodeConfig.spec.kubelet.flags).to.deep.equal(["--node-labels=role=burst,eks-platform/node-group=burst"]);
    });

    it("labels every node with its group, so Datadog can tag and dashboards split by it", async () => {
        const run = await fieldReportRun("prd");
        expect(resourceNamed(run, MANAGED_GROUP, "eks-general").inputs.labels).to.deep.equal({
            role: "general",
            [NODE_GROUP_LABEL]: "general",
        });
        expect(asgTags(resourceNamed(run, ASG, "eks-burst").inputs)).to.include({
            [`k8s.io/cluster-autoscaler/node-template/label/${NODE_GROUP_LABEL}`]: "burst",
        });
    });

    it("exports the kubeconfig as a secret", async () => {
        expect((await fixtureRun("dev")).outputs.kubeconfig).to.equal(SECRET_MASK);
    });

    it("protects the cluster and its secrets key in prd only", async () => {
        for (const stack of ["dev", "prd"]) {
            const run = await fixtureRun(stack);
            for (const [type, name] of [
                [CLUSTER, "eks-cluster"],
                ["aws:kms/key:Key", "eks-secrets"],
            ]) {
                expect(run.options.get(resourceNamed(run, type, name).urn)!.protect, `${stack} ${name}`).to.equal(stack === "prd");
            }
            expect(resourceNamed(run, CLUSTER, "eks-cluster").inputs.deletionProtection === true).to.equal(stack === "prd");
        }
    });

    it("installs the Pod Identity agent for addon roles, and no OIDC provider", async () => {
        const run = await fixtureRun("stg");
        const agent = resourceNamed(run, "aws:eks/addon:Addon", "eks-pod-identity-agent");
        expect(agent.inputs).to.include({
            addonName: "eks-pod-identity-agent",
            clusterName: "eks-platform-stg",
            addonVersion: "v1.4.0-eksbuild.2",
        });
        expect(resourceNamed(run, CLUSTER, "eks-cluster").inputs.createOidcProvider).to.equal(false);
    });

    it("can be instantiated twice in one stack (blue/green), with its addons and apps, without name collisions", async () => {
        const run = await runProgram({
            stackDir: FIXTURE_DIR,
            stack: "stg",
            program: async () => {
                const config = loadStackConfig();
                for (const color of ["blue", "green"]) {
                    const cluster = new EksCluster(color, {
                        clusterName: `${config.slots[0].cluster.name}-${color}`,
                        kubernetesVersion: "1.35",
                        upgradePolicy: "STANDARD",
                        vpcId: "vpc-1",
                        privateSubnetIds: ["subnet-a", "subnet-b"],
                        serviceCidr: "172.20.0.0/16",
                        publicAccess: false,
                        publicAccessCidrs: [],
                        adminRoleArns: [],
                        previewRoleArn: config.ci.previewRoleArn,
                        privateEndpointClientCidrs: ["10.20.0.0/24"],
                        logTypes: ["api"],
                        logRetentionDays: 30,
                        nodeGroups: config.slots[0].cluster.nodeGroups,
                        autoscaler: config.slots[0].cluster.autoscaler,
                        tags: {},
                    });
                    const addons = new KubeSystemAddons(`${color}-addons`, {
                        clusterName: cluster.clusterName,
                        kubernetesVersion: "1.35",
                        region: config.region,
                        vpcId: "vpc-1",
                        stage: config.stage,
                        provider: cluster.provider,
                        podIdentityAgent: cluster.podIdentityAgent,
                        compute: cluster.compute,
                        addons: config.slots[0].addons,
                        datadog: config.datadog,
                        fargateOnly: false,
                        selfManagedAsgs: cluster.selfManagedAsgs,
                        tags: {},
                        karpenter: {
                            nodeRole: cluster.karpenterNodeRole!,
                            nodeAccess: cluster.karpenterNodeAccess!,
                            subnetIds: ["subnet-a", "subnet-b"],
                            securityGroupId: cluster.clusterSecurityGroupId,
                            clusterEndpoint: cluster.endpoint,
                            nodePools: config.slots[0].cluster.nodePools,
                        },
                    });
                    new AppRelease(`web-${color}`, {
                        app: config.apps.web,
                        stage: config.stage,
                        kubernetesVersion: "1.35",
                        targetGroupArn: "arn:tg",
                        albSecurityGroupId: "sg-alb",
                        loadBalancerController: addons.loadBalancerController,
                        compute: [...cluster.compute, ...addons.nodePools],
                        provider: cluster.provider,
                    });
                }
                return {};
            },
        });
        const urns = run.resources.map((r) => r.urn);
        expect(new Set(urns).size).to.equal(urns.length);
        expect(resourcesOfType(run, CLUSTER).map((c) => c.inputs.name)).to.deep.equal(["eks-platform-stg-blue", "eks-platform-stg-green"]);
        expect(resourcesOfType(run, MANAGED_GROUP).map((a) => a.name)).to.deep.equal(["blue-system", "green-system"]);
        expect(resourcesOfType(run, "kubernetes:karpenter.sh/v1:NodePool").map((p) => p.name)).to.deep.equal([
            "blue-addons-karpenter-on-demand",
            "blue-addons-karpenter-spot",
            "green-addons-karpenter-on-demand",
            "green-addons-karpenter-spot",
        ]);
        expect(
            resourcesOfType(run, "kubernetes:helm.sh/v3:Release")
                .filter((r) => r.inputs.chart === "datadog")
                .map((r) => r.name),
        ).to.deep.equal(["blue-addons-datadog", "green-addons-datadog"]);
        expect(resourcesOfType(run, "kubernetes:apps/v1:Deployment").map((r) => r.name)).to.deep.equal(["web-blue", "web-green"]);
    });
});

describe("node group helpers", () => {
    it("announce labels and taints to the autoscaler for scale-from-zero", () => {
        expect(autoscalerNodeTemplateTags({ role: "burst" }, [{ key: "spot", value: "true", effect: "NoSchedule" }])).to.deep.equal({
            "k8s.io/cluster-autoscaler/node-template/label/role": "burst",
            "k8s.io/cluster-autoscaler/node-template/taint/spot": "true:NoSchedule",
        });
    });

    it("write a nodeadm NodeConfig with labels and taints as kubelet flags", () => {
        const userData = nodeadmUserData(
            { clusterName: "c", apiServerEndpoint: "https://api", certificateAuthority: "Q0E=", serviceCidr: "172.20.0.0/16" },
            { labels: { role: "burst", tier: "web" }, taints: [{ key: "spot", effect: "NoExecute" }] },
        );
        expect(userData).to.match(/^MIME-Version: 1.0\nContent-Type: multipart\/mixed; boundary="NODEADM"\n/);
        const document = parse(userData.split("application/node.eks.aws\n\n")[1].split("\n--NODEADM--")[0]);
        expect(document).to.deep.equal({
            apiVersion: "node.eks.aws/v1alpha1",
            kind: "NodeConfig",
            spec: {
                cluster: { name: "c", apiServerEndpoint: "https://api", certificateAuthority: "Q0E=", cidr: "172.20.0.0/16" },
                kubelet: {
                    config: { maxPods: 110 },
                    flags: ["--node-labels=role=burst,tier=web", "--register-with-taints=spot=:NoExecute"],
                },
            },
        });
    });
});
