/** Queries over the rendered dependency graph: what a resource waits for, and through what. */
import type { ProgramRun, RenderedResource } from "../../offline/program-run";

/** Everything a resource waits for, directly or through what it waits for. */
export function transitiveDependencies(run: ProgramRun, resource: RenderedResource): Set<string> {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const visit = (urn: string) => {
        for (const dependency of byUrn.get(urn)?.dependencies ?? []) {
            if (!seen.has(dependency)) {
                seen.add(dependency);
                visit(dependency);
            }
        }
    };
    visit(resource.urn);
    return seen;
}

/**
 * A chain of direct dependencies from `resource` that meets a resource of each type of `types`
 * in that order (other resources may sit between them), as URNs; undefined when there is none.
 */
export function dependencyChain(run: ProgramRun, resource: RenderedResource, types: readonly string[]): string[] | undefined {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const walk = (urn: string, remaining: readonly string[]): string[] | undefined => {
        const key = `${urn}|${remaining.length}`;
        if (seen.has(key)) {
            return undefined;
        }
        seen.add(key);
        for (const dependency of byUrn.get(urn)?.dependencies ?? []) {
            const matches = byUrn.get(dependency)?.type === remaining[0];
            const rest = matches ? remaining.slice(1) : remaining;
            if (rest.length === 0) {
                return [dependency];
            }
            const tail = walk(dependency, rest);
            if (tail) {
                return [dependency, ...tail];
            }
        }
        return undefined;
    };
    return types.length === 0 ? [] : walk(resource.urn, types);
}
