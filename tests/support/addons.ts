/** What the addon specs share: the release and role types, and a stack run with addons set. */
import { ProgramRun, RenderedResource, resourcesOfType, runProgram } from "../../offline/program-run";
import { FIXTURE_DIR } from "./fixtures";

export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const ROLE = "aws:iam/role:Role";
export const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
export const ADDONS_PARENT = "eks-platform:addons:KubeSystemAddons";

export function releases(run: ProgramRun): Record<string, RenderedResource> {
    return Object.fromEntries(resourcesOfType(run, RELEASE).map((r) => [r.inputs.name as string, r]));
}

export function values(run: ProgramRun, release: string): Record<string, any> {
    return releases(run)[release].inputs.values as Record<string, any>;
}

/** A stack with addons set; `cluster` gives its cluster section (the committed one when absent). */
export function withAddons(stack: string, addons: Record<string, unknown>, cluster?: Record<string, unknown>) {
    const overrides: Record<string, unknown> = { "eks-platform:addons": addons };
    if (cluster) {
        overrides["eks-platform:cluster"] = cluster;
    }
    return runProgram({ stackDir: FIXTURE_DIR, stack, overrides });
}
