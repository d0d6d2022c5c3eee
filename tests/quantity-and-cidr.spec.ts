import { expect } from "chai";
import { cidrsOverlap, isPrivateRange, parseCidr } from "../stacks/cidr";
import { parseQuantity } from "../stacks/quantity";

describe("Kubernetes quantities", () => {
    it("parse CPU in cores", () => {
        expect(parseQuantity("250m", "cpu")).to.equal(0.25);
        expect(parseQuantity("2", "cpu")).to.equal(2);
        expect(parseQuantity("0.5", "cpu")).to.equal(0.5);
    });

    it("parse memory in bytes, binary and decimal suffixes and plain bytes", () => {
        expect(parseQuantity("512Mi", "memory")).to.equal(512 * 2 ** 20);
        expect(parseQuantity("1G", "memory")).to.equal(1e9);
        expect(parseQuantity("500", "memory")).to.equal(500);
        expect(parseQuantity("1e3", "memory")).to.equal(1000);
    });

    for (const [value, kind] of [
        ["1.5Gb", "memory"],
        ["100mi", "memory"],
        ["-1", "memory"],
        ["100m", "memory"],
        ["1Ki", "cpu"],
        ["", "cpu"],
        ["1 Gi", "memory"],
    ] as const) {
        it(`reject ${JSON.stringify(value)} as ${kind}`, () => {
            expect(parseQuantity(value, kind)).to.equal(undefined);
        });
    }
});

describe("CIDRs", () => {
    it("parse a network and reject host bits, bad octets and prefixes", () => {
        expect(parseCidr("10.0.0.0/16")).to.deep.equal({ start: 10 * 2 ** 24, end: 10 * 2 ** 24 + 65535, prefix: 16 });
        expect(parseCidr("10.0.0.1/16")).to.equal(undefined);
        expect(parseCidr("10.0.0.256/24")).to.equal(undefined);
        expect(parseCidr("10.0.0.0/33")).to.equal(undefined);
        expect(parseCidr("10.0.0.0")).to.equal(undefined);
    });

    it("detect overlap both ways, and adjacency as no overlap", () => {
        const vpc = parseCidr("10.10.0.0/16")!;
        expect(cidrsOverlap(vpc, parseCidr("10.10.128.0/20")!)).to.equal(true);
        expect(cidrsOverlap(parseCidr("10.0.0.0/8")!, vpc)).to.equal(true);
        expect(cidrsOverlap(vpc, parseCidr("10.11.0.0/16")!)).to.equal(false);
    });

    it("know the private ranges EKS accepts for services", () => {
        expect(isPrivateRange(parseCidr("172.20.0.0/16")!)).to.equal(true);
        expect(isPrivateRange(parseCidr("100.64.0.0/16")!)).to.equal(false);
    });
});
