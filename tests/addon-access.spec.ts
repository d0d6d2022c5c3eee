/** Each addon's AWS access: its own role and Pod Identity association, and the least its policy allows. */
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as autoscaler from "../components/kube-system-addons/cluster-autoscaler";
import * as lbc from "../components/kube-system-addons/aws-load-balancer-controller";
import * as nth from "../components/kube-system-addons/aws-node-termination-handler";
import * as externalDns from "../components/kube-system-addons/external-dns";
import * as externalSecrets from "../components/kube-system-addons/external-secrets";
import { ADDONS_PARENT, ASSOCIATION, releases, ROLE, values } from "./support/addons";
import { resourceNamed, resourcesOfType } from "../offline/program-run";
import { fieldReportRun } from "./support/compute-variants";
import { fixtureRun } from "./support/fixtures";

function allStatements(document: aws.iam.PolicyDocument): aws.iam.PolicyStatement[] {
    return document.Statement as aws.iam.PolicyStatement[];
}

const POLICIES: Record<string, aws.iam.PolicyDocument> = {
    "cluster-autoscaler": autoscaler.clusterAutoscalerPolicy("eks-platform-prd"),
    "aws-load-balancer-controller": lbc.loadBalancerControllerPolicy(),
    "aws-node-termination-handler": nth.terminationHandlerPolicy("arn:aws:sqs:eu-west-1:123456789012:q"),
    "external-dns": externalDns.externalDnsPolicy(["Z0123456789ABC"]),
    "external-secrets": externalSecrets.externalSecretsPolicy({
        secretArns: ["arn:aws:secretsmanager:eu-west-1:1:secret:web/*"],
        parameterArns: ["arn:aws:ssm:eu-west-1:1:parameter/web/*"],
        kmsKeyArns: [],
    }),
};

describe("KubeSystemAddons access", () => {
    describe("AWS access", () => {
        it("gives each AWS-calling addon its own role, bound to its own service account by Pod Identity", async () => {
            const run = await fieldReportRun("prd");
            const addonRoles = resourcesOfType(run, ROLE).filter((r) => r.parent?.includes(ADDONS_PARENT));
            expect(addonRoles.map((r) => r.name)).to.have.members([
                "eks-addons-cluster-autoscaler",
                "eks-addons-aws-load-balancer-controller",
                "eks-addons-node-termination-handler",
            ]);
            const bindings: Record<string, [string, string]> = {
                "eks-addons-cluster-autoscaler": [autoscaler.NAMESPACE, autoscaler.SERVICE_ACCOUNT],
                "eks-addons-aws-load-balancer-controller": [lbc.NAMESPACE, lbc.SERVICE_ACCOUNT],
                "eks-addons-node-termination-handler": [nth.NAMESPACE, nth.SERVICE_ACCOUNT],
            };
            for (const [name, [namespace, serviceAccount]] of Object.entries(bindings)) {
                const association = resourceNamed(run, ASSOCIATION, name);
                const role = resourceNamed(run, ROLE, name);
                expect(association.inputs, name).to.include({ namespace, serviceAccount, clusterName: "eks-platform-prd" });
                expect(association.dependencies).to.include(role.urn);
                expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal).to.deep.equal({
                    Service: "pods.eks.amazonaws.com",
                });
            }
            // The charts create exactly the service accounts the associations name.
            expect(values(run, "cluster-autoscaler").rbac.serviceAccount).to.deep.equal({ create: true, name: autoscaler.SERVICE_ACCOUNT });
            expect(values(run, "aws-load-balancer-controller").serviceAccount).to.deep.equal({ create: true, name: lbc.SERVICE_ACCOUNT });
            expect(values(run, "aws-node-termination-handler").serviceAccount).to.deep.equal({ create: true, name: nth.SERVICE_ACCOUNT });
        });

        it("uses no node role for addons: no addon role carries a node policy", async () => {
            const run = await fixtureRun("prd");
            const attachments = resourcesOfType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
            expect(attachments.every((a) => a.parent?.includes("EksCluster"))).to.equal(true);
        });

        it("starts an AWS-calling addon only after its Pod Identity association and the agent exist", async () => {
            for (const [run, addon, association] of [
                [await fieldReportRun("prd"), "cluster-autoscaler", "eks-addons-cluster-autoscaler"],
                [await fixtureRun("prd"), "karpenter", "eks-addons-karpenter"],
            ] as const) {
                const release = releases(run)[addon];
                expect(release.dependencies).to.include(resourceNamed(run, ASSOCIATION, association).urn);
                expect(release.dependencies).to.include(resourceNamed(run, "aws:eks/addon:Addon", "eks-pod-identity-agent").urn);
            }
        });

        it("installs addons that call no AWS API in parallel: they wait for nothing but the cluster's provider, its nodes and its DNS", async () => {
            const run = await fieldReportRun("prd");
            const provider = resourceNamed(run, "pulumi:providers:kubernetes", "eks-k8s");
            const nodes = [
                resourceNamed(run, "eks:index:ManagedNodeGroup", "eks-general").urn,
                resourceNamed(run, "aws:autoscaling/group:Group", "eks-burst").urn,
                resourceNamed(run, "aws:eks/addon:Addon", "eks-coredns").urn,
            ];
            for (const name of ["metrics-server", "kube-state-metrics"]) {
                expect(releases(run)[name].dependencies, name).to.have.members([provider.urn, ...nodes]);
            }
        });

        it("applies the load balancer controller's CRDs from its release tag before the chart, which skips its own", async () => {
            const run = await fixtureRun("dev");
            const crds = resourcesOfType(run, "kubernetes:yaml/v2:ConfigFile");
            expect(crds.map((c) => c.inputs.file)).to.deep.equal([
                "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/helm/aws-load-balancer-controller/crds/crds.yaml",
                "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/helm/aws-load-balancer-controller/crds/gateway-crds.yaml",
            ]);
            const release = releases(run)["aws-load-balancer-controller"];
            expect(release.inputs.skipCrds).to.equal(true);
            crds.forEach((crd) => expect(release.dependencies).to.include(crd.urn));
        });

        it("feeds the termination handler's queue from EventBridge and holds terminating instances with a lifecycle hook", async () => {
            const run = await fieldReportRun("stg");
            // The stack's other rule posts alarm recoveries (alarm-recoveries.spec).
            const rules = resourcesOfType(run, "aws:cloudwatch/eventRule:EventRule")
                .filter((r) => r.name !== "alerts-recovered")
                .map((r) => JSON.parse(r.inputs.eventPattern as string)["detail-type"][0]);
            expect(rules).to.have.members([
                "EC2 Instance-terminate Lifecycle Action",
                "EC2 Spot Instance Interruption Warning",
                "EC2 Instance Rebalance Recommendation",
                "EC2 Instance State-change Notification",
                "AWS Health Event",
            ]);
            const queue = resourceNamed(run, "aws:sqs/queue:Queue", "eks-addons-node-termination-handler");
            const targets = resourcesOfType(run, "aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.name !== "alerts-recovered");
            expect(targets).to.have.length(rules.length);
            for (const target of targets) {
                expect(target.dependencies).to.include(queue.urn);
            }
            const hook = resourceNamed(run, "aws:autoscaling/lifecycleHook:LifecycleHook", "eks-addons-node-termination-handler-burst");
            expect(hook.inputs).to.include({
                lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
                autoscalingGroupName: "eks-platform-stg-burst-mock",
            });
        });
    });

    describe("IAM policy documents", () => {
        it("let the autoscaler change only Auto Scaling groups tagged as this cluster's", () => {
            const [inspect, scale] = allStatements(POLICIES["cluster-autoscaler"]);
            expect(inspect.Action).to.not.include("autoscaling:SetDesiredCapacity");
            expect(scale.Action).to.have.members(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
            expect(scale.Condition).to.deep.equal({
                StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/eks-platform-prd": "owned" },
            });
        });

        for (const [addon, document] of Object.entries(POLICIES)) {
            it(`${addon}: grants no wildcard action, and nothing on * without naming the action`, () => {
                for (const statement of allStatements(document)) {
                    const actions = ([] as string[]).concat(statement.Action as string | string[]);
                    expect(actions.length, `${addon} ${statement.Sid}`).to.be.greaterThan(0);
                    for (const action of actions) {
                        expect(action, `${addon} ${statement.Sid}`).to.match(/^[a-z0-9-]+:[A-Za-z]+$/);
                    }
                    expect(statement.Effect).to.equal("Allow");
                }
            });
        }

        it("let external-dns read and change records in the configured zones only", () => {
            const [zones, list] = allStatements(POLICIES["external-dns"]);
            expect(zones.Resource).to.deep.equal(["arn:aws:route53:::hostedzone/Z0123456789ABC"]);
            expect(list).to.deep.include({ Action: ["route53:ListHostedZones"], Resource: "*" });
        });

        it("let the termination handler read and delete only its own queue's messages", () => {
            const queue = allStatements(POLICIES["aws-node-termination-handler"]).find((s) => s.Sid === "ReadQueue")!;
            expect(queue).to.deep.include({
                Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
            });
        });

        it("include the load balancer controller's listener attributes read (403s without it since v2.9)", () => {
            const actions = allStatements(POLICIES["aws-load-balancer-controller"]).flatMap((s) => s.Action as string[]);
            expect(actions).to.include("elasticloadbalancing:DescribeListenerAttributes");
            expect(actions).to.include("elasticloadbalancing:ModifyListenerAttributes");
        });

        it("let external-secrets read only the allowed secrets and parameters", () => {
            const statements = allStatements(POLICIES["external-secrets"]);
            expect(statements.find((s) => s.Sid === "ReadAllowedSecrets")!.Resource).to.deep.equal([
                "arn:aws:secretsmanager:eu-west-1:1:secret:web/*",
            ]);
            expect(statements.find((s) => s.Sid === "ReadAllowedParameters")!.Resource).to.deep.equal([
                "arn:aws:ssm:eu-west-1:1:parameter/web/*",
            ]);
            expect(statements.find((s) => s.Sid === "Decrypt")).to.equal(undefined);
        });
    });
});
