/** Stage rules of `eks-platform:loadBalancer`. */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { PROJECT, Stage } from "../schema/stage";

export function loadBalancerStageProblems(stage: Stage | undefined, input: unknown): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const lb = validOrUndefined(z.looseObject({
        certificateArn: z.string().optional(), accessLogs: z.boolean().optional(), deletionProtection: z.boolean().optional(),
    }), input ?? {});
    if (!lb || !stage) {
        return problems;
    }
    const key = `${PROJECT}:loadBalancer`;
    if (stage !== "dev" && lb.certificateArn === undefined) {
        problems.push({ key: `${key}.certificateArn`, value: undefined, expected: `expected an ACM certificate ARN: ${stage} serves HTTPS only (HTTP alone is for dev)` });
    }
    if (stage === "prd" && lb.accessLogs === false) {
        problems.push({ key: `${key}.accessLogs`, value: false, expected: "expected true in prd: access logs are the record of every request" });
    }
    if (stage === "prd" && lb.deletionProtection === false) {
        problems.push({ key: `${key}.deletionProtection`, value: false, expected: "expected true in prd: the ALB outlives clusters and carries the stage's DNS" });
    }
    return problems;
}
