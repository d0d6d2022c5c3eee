import { expect } from "chai";
import { APP_VERSION } from "../components/kube-system-addons/aws-load-balancer-controller";
import { kubernetesObjects } from "../scripts/render";
import { formatSchemaProblems, validateKubernetesObject } from "./support/kubernetes-schemas";
import { stackRun } from "../offline/program-run";
import { projectStacks } from "../offline/stack-files";
import { fixtureRun } from "./support/fixtures";
import { CONTROLLER_VERSION } from "./support/target-group-binding-schema";
import { KARPENTER_VERSION } from "./support/karpenter-schemas";
import * as karpenter from "../components/kube-system-addons/karpenter";

async function objectsOf(stack: string, committed = false) {
    const run = await (committed ? stackRun(stack) : fixtureRun(stack));
    const version = run.resources.find((r) => r.type === "eks:index:Cluster")!.inputs.version as string;
    return { version, objects: kubernetesObjects(run.resources) };
}

describe("Kubernetes schema validation", () => {
    for (const stack of projectStacks()) {
        it(`committed stack ${stack}: every rendered object is valid for the stack's Kubernetes version`, async () => {
            const { version, objects } = await objectsOf(stack, true);
            const problems = (await Promise.all(objects.map((o) => validateKubernetesObject(o, version)))).flat();
            expect(problems, `invalid objects in ${stack}:\n${formatSchemaProblems(problems)}`).to.deep.equal([]);
        });
    }

    for (const stack of ["dev", "stg", "prd", "fargate", "notifier", "autoscaler"]) {
        it(`fixture ${stack}: every rendered object, apps' included, is valid for the stack's Kubernetes version`, async () => {
            const { version, objects } = await objectsOf(stack);
            expect(objects.map((o) => o.kind)).to.include.members([
                "Deployment",
                "TargetGroupBinding",
                "HorizontalPodAutoscaler",
                "Namespace",
            ]);
            const problems = (await Promise.all(objects.map((o) => validateKubernetesObject(o, version)))).flat();
            expect(problems, `invalid objects in ${stack}:\n${formatSchemaProblems(problems)}`).to.deep.equal([]);
        });
    }

    it("reports the object and the path of a schema violation", async () => {
        const { objects } = await objectsOf("prd");
        const deployment = JSON.parse(JSON.stringify(objects.find((o) => o.kind === "Deployment")));
        deployment.spec.template.spec.containers[0].ports[0].containerPort = "8080";
        delete deployment.spec.selector;
        expect(await validateKubernetesObject(deployment, "1.34")).to.deep.equal([
            { object: "Deployment web/web", path: "/spec", message: "must have required property selector" },
            { object: "Deployment web/web", path: "/spec/template/spec/containers/0/ports/0/containerPort", message: "must be integer" },
        ]);
    });

    it("checks TargetGroupBindings against the controller's CRD, unknown fields included", async () => {
        const { objects } = await objectsOf("prd");
        const binding = JSON.parse(JSON.stringify(objects.find((o) => o.kind === "TargetGroupBinding")));
        binding.spec.targetType = "pod";
        binding.spec.networking.ingress[0].from[0].securityGroup = { groupId: "sg-1" };
        expect(await validateKubernetesObject(binding, "1.34")).to.deep.include.members([
            { object: "TargetGroupBinding web/web", path: "/spec/targetType", message: "must be equal to one of the allowed values" },
            {
                object: "TargetGroupBinding web/web",
                path: "/spec/networking/ingress/0/from/0/securityGroup",
                message: "must have required property 'groupID'",
            },
        ]);
    });

    it("keeps the TargetGroupBinding schema at the pinned controller's version", () => {
        expect(CONTROLLER_VERSION).to.equal(APP_VERSION);
    });

    it("keeps the Karpenter schemas at the pinned chart's version, CRD chart included", () => {
        expect(KARPENTER_VERSION).to.equal(karpenter.CHART.version);
        expect(karpenter.CRD_CHART.version).to.equal(karpenter.CHART.version);
    });

    it("checks NodePools and EC2NodeClasses against Karpenter's CRDs, their CEL rules included", async () => {
        const { objects } = await objectsOf("prd");
        const pool = JSON.parse(JSON.stringify(objects.find((o) => o.kind === "NodePool")));
        pool.spec.disruption.consolidationPolicy = "WhenIdle";
        pool.spec.template.spec.requirements.push({ key: "karpenter.k8s.aws/instance-colour", operator: "In", values: [] });
        pool.spec.disruption.budgets = [{ nodes: "10%", schedule: "0 9 * * *" }];
        expect(await validateKubernetesObject(pool, "1.35")).to.deep.include.members([
            {
                object: "NodePool on-demand",
                path: "/spec/disruption/consolidationPolicy",
                message: "must be equal to one of the allowed values",
            },
            {
                object: "NodePool on-demand",
                path: "/spec/template/spec/requirements/7",
                message: "requirements with operator 'In' must have a value defined",
            },
            {
                object: "NodePool on-demand",
                path: "/spec/template/spec/requirements/7/key",
                message: 'label domain "karpenter.k8s.aws" is restricted',
            },
            { object: "NodePool on-demand", path: "/spec/disruption/budgets/0", message: "'schedule' must be set with 'duration'" },
        ]);
        const nodeClass = JSON.parse(JSON.stringify(objects.find((o) => o.kind === "EC2NodeClass")));
        nodeClass.spec.instanceProfile = "p";
        nodeClass.spec.amiSelectorTerms.push({ id: "ami-123" });
        expect(await validateKubernetesObject(nodeClass, "1.35")).to.deep.include.members([
            { object: "EC2NodeClass default", path: "/spec", message: "must specify exactly one of ['role', 'instanceProfile']" },
            {
                object: "EC2NodeClass default",
                path: "/spec/amiSelectorTerms",
                message: "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
            },
        ]);
    });

    it("refuses API versions the cluster no longer serves", async () => {
        const pdb = { apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "web" }, spec: {} };
        expect(await validateKubernetesObject(pdb, "1.34")).to.deep.equal([
            {
                object: "PodDisruptionBudget web/web",
                path: "/apiVersion",
                message: "policy/v1beta1 was removed in Kubernetes 1.25 (cluster: 1.34)",
            },
        ]);
        expect((await validateKubernetesObject({ ...pdb, apiVersion: "example.com/v1", kind: "Widget" }, "1.34"))[0].message).to.equal(
            "no schema for example.com/v1 Widget in Kubernetes 1.36",
        );
    });
});
