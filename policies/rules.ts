/** Every rule of the platform, for the policy pack and the specs. */
import { AWS_RULES } from "./aws-rules";
import { KUBERNETES_RULES } from "./kubernetes-rules";
import type { ResourceRule, StackRule } from "./rule";
import { STACK_RULES } from "./stack-rules";

export const RESOURCE_RULES: readonly ResourceRule[] = [...AWS_RULES, ...KUBERNETES_RULES];
export { STACK_RULES };
export type { StackRule };
