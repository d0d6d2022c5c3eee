/**
 * The specs' own stacks (tests/fixtures/Pulumi.<stack>.yaml): behaviour is asserted on inputs
 * the specs own, never on the committed Pulumi.<stack>.yaml files, which are examples a team
 * replaces with its own values.
 */
import * as path from "path";
import { PROJECT, RawStackConfig } from "../../stacks/config";
import { ProgramRun, RunOptions, runProgram } from "../../offline/program-run";
import { readStackConfig, StackFileOptions } from "../../offline/stack-files";

export const FIXTURE_DIR = path.resolve(__dirname, "..", "fixtures");

const runs = new Map<string, Promise<ProgramRun>>();

/** The run of a fixture stack as it is, shared by every spec that only reads it. */
export function fixtureRun(stack: string): Promise<ProgramRun> {
    if (!runs.has(stack)) {
        runs.set(stack, runProgram({ stack, stackDir: FIXTURE_DIR }));
    }
    return runs.get(stack)!;
}

/** A run of a fixture stack with some keys changed (or another program). */
export function fixtureVariant(stack: string, options: Omit<RunOptions, "stack" | "stackDir"> = {}): Promise<ProgramRun> {
    return runProgram({ stack, stackDir: FIXTURE_DIR, ...options });
}

/** The raw config of a fixture stack, as the CLI would hand it to the program. */
export function readFixtureConfig(stack: string, options: Omit<StackFileOptions, "stackDir"> = {}): RawStackConfig {
    return readStackConfig(stack, { stackDir: FIXTURE_DIR, ...options });
}

/** A structured section of a fixture stack (`cluster`, `apps`, ...), parsed afresh for editing; {} when absent. */
export function fixtureSection(stack: string, section: string): any {
    return JSON.parse(readFixtureConfig(stack).values[`${PROJECT}:${section}`] ?? "{}");
}
