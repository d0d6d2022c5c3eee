/**
 * The rendered dependency graph states the physics of a real `pulumi up` and `pulumi destroy`:
 * pods need nodes, so every workload waits for the compute that runs it (and is deleted before
 * it); objects with finalizers go before the controller that clears them; namespaces after
 * their contents.
 */
import { expect } from "chai";
import { ProgramRun, RenderedResource, resourceNamed, resourcesOfType, runProgram } from "../offline/program-run";
import { dependencyChain, transitiveDependencies } from "./support/graph";
import { fargateOnlyCluster } from "./support/compute-variants";
import { FIXTURE_DIR, fixtureRun } from "./support/fixtures";

const COMPUTE_TYPES = ["eks:index:ManagedNodeGroup", "aws:autoscaling/group:Group", "aws:eks/fargateProfile:FargateProfile"];
const RELEASE = "kubernetes:helm.sh/v3:Release";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
const NAMESPACE = "kubernetes:core/v1:Namespace";

/** Everything that makes pods, or needs a controller's pods to answer. */
function workloads(run: ProgramRun): RenderedResource[] {
    return run.resources.filter((r) =>
        [RELEASE, DEPLOYMENT, BINDING, "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:StatefulSet"].includes(r.type),
    );
}

function typeOf(run: ProgramRun, urn: string): string {
    return run.resources.find((r) => r.urn === urn)!.type;
}

function fargateOnlyRun() {
    return runProgram({ stackDir: FIXTURE_DIR, stack: "stg", overrides: { "eks-platform:cluster": fargateOnlyCluster("stg") } });
}

describe("dependency graph", () => {
    for (const stack of ["dev", "stg", "prd"]) {
        it(`${stack}: every Helm release, Deployment and TargetGroupBinding waits for a node group`, async () => {
            const run = await fixtureRun(stack);
            const found = workloads(run);
            expect(found.length).to.be.greaterThan(5);
            for (const workload of found) {
                const compute = [...transitiveDependencies(run, workload)].filter((urn) => COMPUTE_TYPES.includes(typeOf(run, urn)));
                expect(compute, `${workload.type} ${workload.name} waits for no compute`).not.to.be.empty;
            }
        });

        it(`${stack}: deploys along VPC -> cluster -> node group -> addon -> app`, async () => {
            const run = await fixtureRun(stack);
            const app = resourceNamed(run, DEPLOYMENT, "web");
            const chain = dependencyChain(run, app, [RELEASE, "eks:index:ManagedNodeGroup", "eks:index:Cluster", "awsx:ec2:Vpc"]);
            expect(chain, "no such chain").to.not.equal(undefined);
            expect(
                chain!
                    .map((urn) => typeOf(run, urn))
                    .filter((t) => [RELEASE, "eks:index:ManagedNodeGroup", "eks:index:Cluster", "awsx:ec2:Vpc"].includes(t)),
            ).to.deep.equal([RELEASE, "eks:index:ManagedNodeGroup", "eks:index:Cluster", "awsx:ec2:Vpc"]);
        });
    }

    it("on a Fargate-only cluster, waits for the Fargate profiles instead", async () => {
        const run = await fargateOnlyRun();
        const profiles = resourcesOfType(run, "aws:eks/fargateProfile:FargateProfile").map((p) => p.urn);
        expect(profiles).not.to.be.empty;
        for (const workload of workloads(run)) {
            expect(
                workload.dependencies.filter((d) => profiles.includes(d)),
                `${workload.type} ${workload.name}`,
            ).to.deep.equal(workload.type === BINDING ? [] : profiles);
            expect([...transitiveDependencies(run, workload)].filter((d) => profiles.includes(d))).to.have.members(profiles);
        }
    });

    it("deletes a TargetGroupBinding before the load balancer controller that clears its finalizer", async () => {
        const run = await fixtureRun("prd");
        const controller = resourceNamed(run, RELEASE, "eks-addons-aws-load-balancer-controller");
        for (const binding of resourcesOfType(run, BINDING)) {
            expect(binding.dependencies).to.include(controller.urn);
        }
    });

    it("deletes each namespace the program creates after everything in it", async () => {
        for (const stack of ["dev", "prd"]) {
            const run = await fixtureRun(stack);
            const namespaces = new Map(resourcesOfType(run, NAMESPACE).map((n) => [(n.inputs.metadata as any).name as string, n.urn]));
            const inside = run.resources.filter(
                (r) =>
                    r.type.startsWith("kubernetes:") &&
                    r.type !== NAMESPACE &&
                    namespaces.has(((r.inputs.metadata as any)?.namespace ?? r.inputs.namespace) as string),
            );
            expect(inside.length, stack).to.be.greaterThan(5);
            for (const object of inside) {
                const namespace = ((object.inputs.metadata as any)?.namespace ?? object.inputs.namespace) as string;
                expect(object.dependencies, `${object.type} ${object.name}`).to.include(namespaces.get(namespace));
            }
        }
    });
});
