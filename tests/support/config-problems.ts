/** The problems a stack's config is rejected with, one line each, for the specs that pin them. */
import { parseStackConfig, StackConfigError } from "../../stacks/config";
import { FIXTURE_DIR } from "./fixtures";
import { readStackConfig, StackFileOptions } from "../../offline/stack-files";

/** Parses a fixture stack (tests/fixtures) with changes on top; the lines of the error (without the header). */
export function configProblems(stack: string, options: StackFileOptions = {}): string[] {
    try {
        parseStackConfig(stack, readStackConfig(stack, { stackDir: FIXTURE_DIR, ...options }));
    } catch (error) {
        if (!(error instanceof StackConfigError)) {
            throw error;
        }
        return error.message
            .split("\n")
            .slice(1)
            .map((line) => line.replace(/^ {2}- /, ""));
    }
    throw new Error(`expected the config of stack ${stack} to be rejected`);
}
