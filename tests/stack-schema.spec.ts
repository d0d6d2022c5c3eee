/**
 * The published JSON Schema of a stack file (schema/stack.schema.json): current with the code,
 * met by every committed and fixture stack file, and strict enough to catch a typo.
 */
import { expect } from "chai";
import Ajv2020 from "ajv/dist/2020";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { STACK_SCHEMA_PATH, stackSchemaText } from "../scripts/stack-schema";
import { PROJECT_DIR, projectStacks } from "../offline/stack-files";
import { FIXTURE_DIR } from "./support/fixtures";

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(stackSchemaText()));

function errorsOf(document: unknown): string[] {
    return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function stackFile(dir: string, stack: string): any {
    return parse(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8"));
}

describe("stack file JSON Schema", () => {
    it("is current: npm run stack-schema writes what is committed", () => {
        expect(fs.readFileSync(STACK_SCHEMA_PATH, "utf8"), "schema/stack.schema.json is stale: run npm run stack-schema").to.equal(
            stackSchemaText(),
        );
    });

    for (const stack of projectStacks()) {
        it(`committed stack ${stack} meets it`, () => {
            expect(errorsOf(stackFile(PROJECT_DIR, stack))).to.deep.equal([]);
        });
    }

    for (const stack of projectStacks(FIXTURE_DIR)) {
        it(`fixture stack ${stack} meets it`, () => {
            expect(errorsOf(stackFile(FIXTURE_DIR, stack))).to.deep.equal([]);
        });
    }

    it("catches a misspelt key and a secret written in plain text", () => {
        const file = stackFile(FIXTURE_DIR, "prd");
        file.config["eks-platform:cluster"].kubernetesVersoin = "1.35";
        file.config["eks-platform:webDbPassword"] = "hunter2";
        const errors = errorsOf(file);
        expect(errors).to.include("/config/eks-platform:cluster must NOT have additional properties");
        expect(errors).to.include("/config/eks-platform:webDbPassword must be object");
        expect(errorsOf({ config: { ...stackFile(FIXTURE_DIR, "prd").config, "eks-platfrom:stage": "prd" } })).to.include(
            "/config must NOT have additional properties",
        );
    });
});
