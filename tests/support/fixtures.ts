/**
 * The specs' own stacks (tests/fixtures/Pulumi.<stack>.yaml): purpose-built, with values unlike
 * the committed examples, so behaviour is asserted on inputs the specs own.
 */
import * as path from "path";
import { ProgramRun, runProgram } from "./program-run";
import { StackFileOptions } from "./stack-files";

export const FIXTURE_DIR = path.resolve(__dirname, "..", "fixtures");

const runs = new Map<string, Promise<ProgramRun>>();

/** The run of a fixture stack as it is, shared by every spec that only reads it. */
export function fixtureRun(stack: string): Promise<ProgramRun> {
    if (!runs.has(stack)) {
        runs.set(stack, runProgram({ stack, stackDir: FIXTURE_DIR }));
    }
    return runs.get(stack)!;
}

/** A run of a fixture stack with some keys changed. */
export function fixtureVariant(stack: string, options: Omit<StackFileOptions, "stackDir">): Promise<ProgramRun> {
    return runProgram({ stack, stackDir: FIXTURE_DIR, ...options });
}
