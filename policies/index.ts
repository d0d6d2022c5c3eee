/**
 * The platform's rules as a Pulumi policy pack: `pulumi preview --policy-pack policies`.
 * Every rule is mandatory unless marked advisory (a warning); each is a plain function in this
 * folder, tested on its own.
 */
import { PolicyPack, PolicyResource as PackResource } from "@pulumi/policy";
import type { PolicyResource } from "./rule";
import { RESOURCE_RULES, STACK_RULES } from "./rules";

function asRuleInput(resource: { type: string; name: string; urn: string; props: Record<string, any> }): PolicyResource {
    return { type: resource.type, name: resource.name, urn: resource.urn, inputs: resource.props };
}

new PolicyPack("eks-platform", {
    policies: [
        ...RESOURCE_RULES.map((rule) => ({
            name: rule.name,
            description: rule.description,
            enforcementLevel: rule.advisory ? ("advisory" as const) : ("mandatory" as const),
            validateResource: (
                args: { type: string; name: string; urn: string; props: Record<string, any> },
                report: (message: string) => void,
            ) => rule.check(asRuleInput(args)).forEach((message) => report(message)),
        })),
        ...STACK_RULES.map((rule) => ({
            name: rule.name,
            description: rule.description,
            enforcementLevel: "mandatory" as const,
            validateStack: (args: { resources: PackResource[] }, report: (message: string, urn?: string) => void) =>
                rule.check(args.resources.map(asRuleInput)).forEach((v) => report(v.message, v.urn)),
        })),
    ],
});
