import { expect } from "chai";
import { diffFlat, flatten, formatStageDiff, stageDiff } from "../scripts/diff";
import { SECRET_PLACEHOLDER_MARK } from "../offline/stack-files";
import { fixtureRun, readFixtureConfig } from "./support/fixtures";

describe("stage diff", () => {
    let text: string;
    let diff: ReturnType<typeof stageDiff>;
    before(async () => {
        diff = stageDiff(await fixtureRun("dev"), await fixtureRun("prd"), readFixtureConfig("dev"), readFixtureConfig("prd"));
        text = formatStageDiff(diff);
    });

    it("shows the config values that differ", () => {
        expect(text).to.contain(
            'eks-platform:network.availabilityZones: ["eu-west-1a","eu-west-1b"] -> ["eu-west-1a","eu-west-1b","eu-west-1c"]',
        );
        expect(text).to.contain('eks-platform:network.natGateways: "single" -> "onePerAz"');
        expect(text).to.contain("eks-platform:monitoring.alb.allowedErrorRate: 0.01 -> 0.001");
    });

    it("shows, per component, the resource inputs that differ and the resources only one stage has", () => {
        const network = diff.components.find((c) => c.component === "eks-platform:network:Network network")!;
        expect(network.changed[0].changes.map((c) => c.path)).to.deep.equal([
            "availabilityZoneNames",
            "cidrBlock",
            "natGateways.strategy",
            "subnetSpecs.0.cidrBlocks",
            "subnetSpecs.1.cidrBlocks",
        ]);
        const alb = diff.components.find((c) => c.component === "eks-platform:alb:AppLoadBalancer alb")!;
        expect(alb.onlyIn.b).to.include("aws:s3/bucket:Bucket alb-access-logs");
        expect(text).to.contain('      instanceTypes: ["t4g.medium"] -> ["m7g.large","m6g.large"]');
    });

    it("does not report names that only carry the stack", () => {
        expect(text).not.to.match(/eks-platform-dev|urn:pulumi:dev::/);
    });

    it("never shows a secret", () => {
        expect(text).not.to.contain(SECRET_PLACEHOLDER_MARK);
        expect(text).to.contain('eks-platform:slackWebhookUrl: "[secret]" -> (unset)');
    });

    it("flattens objects to paths and keeps lists of values whole", () => {
        expect(flatten({ a: { b: 1, c: ["x", "y"] }, d: [{ e: 2 }] })).to.deep.equal({ "a.b": "1", "a.c": '["x","y"]', "d.0.e": "2" });
        expect(diffFlat({ a: "1", b: "2" }, { a: "1", c: "3" })).to.deep.equal([
            { path: "b", a: "2", b: undefined },
            { path: "c", a: undefined, b: "3" },
        ]);
    });
});
