/**
 * The compute a stack can choose besides its committed Karpenter setup, as cluster sections for
 * specs: the field report's (cluster-autoscaler, an on-demand managed group, a self-managed spot
 * group with the termination handler), and Fargate only.
 */
import { ProgramRun, runProgram } from "../../offline/program-run";
import { FIXTURE_DIR, fixtureSection } from "./fixtures";

/** The field report's node groups, sized per stage as the stacks ran them before Karpenter. */
const FIELD_REPORT_GROUPS: Record<string, Record<string, unknown>> = {
    dev: {
        general: { instanceTypes: ["t3.medium"], minSize: 1, desiredSize: 2, maxSize: 3, diskSizeGiB: 30, labels: { role: "general" } },
    },
    stg: {
        general: { instanceTypes: ["m6i.large"], minSize: 2, desiredSize: 2, maxSize: 6, diskSizeGiB: 50, labels: { role: "general" } },
        burst: {
            kind: "self-managed",
            capacityType: "SPOT",
            instanceTypes: ["m6i.large", "m6a.large", "m5.large"],
            minSize: 0,
            desiredSize: 0,
            maxSize: 4,
            diskSizeGiB: 50,
            labels: { role: "burst" },
        },
    },
    prd: {
        general: { instanceTypes: ["m6i.xlarge"], minSize: 3, desiredSize: 3, maxSize: 9, diskSizeGiB: 100, labels: { role: "general" } },
        burst: {
            kind: "self-managed",
            capacityType: "SPOT",
            instanceTypes: ["m6i.xlarge", "m6a.xlarge", "m5.xlarge"],
            minSize: 0,
            desiredSize: 0,
            maxSize: 10,
            diskSizeGiB: 100,
            labels: { role: "burst" },
        },
    },
};

/** The stack's cluster section with the field report's compute. */
export function fieldReportCluster(stack: string): any {
    const cluster = fixtureSection(stack, "cluster");
    cluster.autoscaler = "cluster-autoscaler";
    delete cluster.nodePools;
    cluster.nodeGroups = JSON.parse(JSON.stringify(FIELD_REPORT_GROUPS[stack]));
    return cluster;
}

/** The stack's cluster section running every pod on Fargate. */
export function fargateOnlyCluster(stack: string): any {
    const cluster = fixtureSection(stack, "cluster");
    cluster.fargateOnly = true;
    cluster.nodeGroups = {};
    delete cluster.autoscaler;
    delete cluster.nodePools;
    return cluster;
}

const fieldReportRuns = new Map<string, Promise<ProgramRun>>();

/** The run of a committed stack with the field report's compute, shared by the specs that only read it. */
export function fieldReportRun(stack: string): Promise<ProgramRun> {
    if (!fieldReportRuns.has(stack)) {
        fieldReportRuns.set(
            stack,
            runProgram({ stackDir: FIXTURE_DIR, stack, overrides: { "eks-platform:cluster": fieldReportCluster(stack) } }),
        );
    }
    return fieldReportRuns.get(stack)!;
}
