/**
 * Stacks are free, stages are profiles: a stack copied under a new name deploys a new set of
 * physical names. Two stacks in one account and region never collide.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { configProblems } from "./support/config-problems";
import { FIXTURE_DIR } from "./support/fixtures";
import { runProgram } from "../offline/program-run";
import { physicalNames } from "./support/physical-names";

describe("stack names", () => {
    it("a copy of a stack under another name shares no physical name with it", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qa-"));
        try {
            fs.copyFileSync(path.join(FIXTURE_DIR, "Pulumi.stg.yaml"), path.join(dir, "Pulumi.qa.yaml"));
            const source = await runProgram({ stack: "stg", stackDir: FIXTURE_DIR });
            const copy = await runProgram({ stack: "qa", stackDir: dir });
            const sourceNames = physicalNames(source);
            const copyNames = physicalNames(copy);
            expect(sourceNames.size).to.be.greaterThan(10);
            const shared = [...copyNames.keys()].filter((name) => sourceNames.has(name)).map((name) => `${name} (${copyNames.get(name)})`);
            expect(shared).to.deep.equal([]);
            const cluster = copy.resources.find((r) => r.type === "eks:index:Cluster")!;
            expect(cluster.inputs.name).to.equal("eks-platform-qa");
            expect(copy.resources.find((r) => r.type === "aws:kms/alias:Alias")!.inputs.name).to.equal("alias/eks-platform-qa-secrets");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("asks for cluster.name when the stack's name makes no name EKS accepts", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dotted-"));
        try {
            fs.copyFileSync(path.join(FIXTURE_DIR, "Pulumi.stg.yaml"), path.join(dir, "Pulumi.team.qa.yaml"));
            expect(configProblems("team.qa", { stackDir: dir })).to.deep.equal([
                "[team.qa] eks-platform:cluster.name = (not set): is required for stack \"team.qa\": the default cluster name \"eks-platform-team.qa\" is not one EKS accepts (letters, digits, '-' and '_', at most 100 characters)",
            ]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names a stack's cluster after the stack, as it was named after the stage when the two were one", async () => {
        const run = await runProgram({ stack: "prd", stackDir: FIXTURE_DIR });
        expect(run.resources.find((r) => r.type === "eks:index:Cluster")!.inputs.name).to.equal("eks-platform-prd");
    });
});
