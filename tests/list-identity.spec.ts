/**
 * Identity by value: a resource made from a list item is named by the item (a role's name, a
 * CIDR, a namespace), so removing the first item of a list removes that item's resources and
 * changes nothing else.
 */
import { expect } from "chai";
import { fixtureSection, fixtureVariant } from "./support/fixtures";
import { ProgramRun } from "../offline/program-run";

/** URNs of `before` missing from `after`, and resources of both whose inputs differ. */
function changes(before: ProgramRun, after: ProgramRun): { removed: string[]; changed: string[] } {
    const byUrn = new Map(after.resources.map((r) => [r.urn, r]));
    const removed = before.resources.filter((r) => !byUrn.has(r.urn)).map((r) => r.name);
    const changed = before.resources
        .filter((r) => byUrn.has(r.urn) && JSON.stringify(byUrn.get(r.urn)!.inputs) !== JSON.stringify(r.inputs))
        .map((r) => r.name);
    return { removed, changed };
}

async function withoutFirst(
    stack: string,
    section: string,
    list: (value: any) => unknown[],
    extend: (value: any) => void,
): Promise<{ removed: string[]; changed: string[] }> {
    const longer = fixtureSection(stack, section);
    extend(longer);
    const shorter = JSON.parse(JSON.stringify(longer));
    list(shorter).shift();
    const before = await fixtureVariant(stack, { overrides: { [`eks-platform:${section}`]: longer } });
    const after = await fixtureVariant(stack, { overrides: { [`eks-platform:${section}`]: shorter } });
    return changes(before, after);
}

describe("resources made from list items are named by the item", () => {
    it("cluster.adminRoleArns: dropping the first admin drops its entry and policy only", async () => {
        const result = await withoutFirst(
            "prd",
            "cluster",
            (c) => c.adminRoleArns,
            () => undefined,
        );
        expect(result).to.deep.equal({
            removed: ["eks-admin-platform-admin", "eks-admin-platform-admin-AmazonEKSClusterAdminPolicy"],
            changed: [],
        });
    });

    it("loadBalancer.allowedCidrs: dropping the first CIDR drops its listener rules only", async () => {
        const result = await withoutFirst(
            "dev",
            "loadBalancer",
            (lb) => lb.allowedCidrs,
            (lb) => {
                lb.allowedCidrs = ["192.0.2.0/24", ...lb.allowedCidrs];
            },
        );
        expect(result).to.deep.equal({ removed: ["alb-in-80-192-0-2-0-24"], changed: [] });
    });

    it("ci.runnerCidrs inside the VPC: dropping the first drops its API rule only", async () => {
        const result = await withoutFirst(
            "fargate",
            "ci",
            (ci) => ci.runnerCidrs,
            (ci) => {
                ci.runnerCidrs = ["10.64.201.0/24", ...ci.runnerCidrs];
            },
        );
        expect(result).to.deep.equal({ removed: ["eks-api-from-ci-10-64-201-0-24"], changed: [] });
    });
});
