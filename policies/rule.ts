/**
 * The shape of the platform's rules: plain functions over a resource's type and inputs (or over
 * all of a stack's resources), so they run the same in the policy pack (`pulumi preview
 * --policy-pack policies`) and over the offline render in the specs.
 */
import { Stage, STAGE_PROFILES, StageProfile, STAGES } from "../stacks/schema/stage";

/** A resource as a rule sees it. */
export interface PolicyResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Record<string, any>;
}

/** A rule about one resource: returns what is wrong with it (empty when nothing is). */
export interface ResourceRule {
    readonly name: string;
    readonly description: string;
    /** A warning, not a stop: the pack reports it and `pulumi up` goes on. Mandatory otherwise. */
    readonly advisory?: boolean;
    check(resource: PolicyResource): string[];
}

/** A rule about how the stack's resources fit together. */
export interface StackRule {
    readonly name: string;
    readonly description: string;
    check(resources: readonly PolicyResource[]): { urn?: string; message: string }[];
}

export interface Violation {
    readonly rule: string;
    readonly urn: string;
    readonly message: string;
    /** From an advisory rule: a warning. */
    readonly advisory?: boolean;
}

export function evaluate(
    resources: readonly PolicyResource[],
    resourceRules: readonly ResourceRule[],
    stackRules: readonly StackRule[],
): Violation[] {
    const violations: Violation[] = [];
    for (const resource of resources) {
        for (const rule of resourceRules) {
            for (const message of rule.check(resource)) {
                violations.push({ rule: rule.name, urn: resource.urn, message, ...(rule.advisory ? { advisory: true } : {}) });
            }
        }
    }
    for (const rule of stackRules) {
        for (const { urn, message } of rule.check(resources)) {
            violations.push({ rule: rule.name, urn: urn ?? "(stack)", message });
        }
    }
    return violations;
}

export function formatViolations(violations: readonly Violation[]): string {
    return violations.map((v) => `  - ${v.rule}: ${v.urn}: ${v.message}`).join("\n");
}

/** The stage an AWS resource belongs to, from the tags the platform puts on everything. */
export function stageOf(resource: PolicyResource): string | undefined {
    return resource.inputs.tags?.Stage ?? resource.inputs.metadata?.labels?.["eks-platform/stage"];
}

/** The profile of the stage a resource is tagged with; undefined when untagged, each rule then applies its own default. */
export function profileOf(resource: PolicyResource): StageProfile | undefined {
    const stage = stageOf(resource);
    return (STAGES as readonly string[]).includes(stage ?? "") ? STAGE_PROFILES[stage as Stage] : undefined;
}
