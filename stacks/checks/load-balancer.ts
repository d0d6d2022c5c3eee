/** Stage rules of `eks-platform:loadBalancer`. */
import { z } from "zod";
import { ConfigProblem, validOrUndefined } from "../problems";
import { PROJECT, Stage, stageProfile, stagesWhere } from "../schema/stage";

/** The account an IAM role ARN belongs to. */
export function accountOf(arn: string): string | undefined {
    return /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn)?.[1];
}

/**
 * `region`: the stack's, when valid; `account`: the deploy role's, the account the ALB lives in.
 * An ALB takes only a certificate of its own region and account (ACM certificates are regional
 * and cannot be shared across accounts).
 */
export function loadBalancerStageProblems(stage: Stage | undefined, input: unknown, region?: string, account?: string): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const lb = validOrUndefined(
        z.looseObject({
            certificateArn: z.string().optional(),
            accessLogs: z.boolean().optional(),
            deletionProtection: z.boolean().optional(),
        }),
        input ?? {},
    );
    if (!lb) {
        return problems;
    }
    const key = `${PROJECT}:loadBalancer`;
    const certificate = lb.certificateArn && /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\//.exec(lb.certificateArn);
    if (certificate && region && certificate[1] !== region) {
        problems.push({
            key: `${key}.certificateArn`,
            value: lb.certificateArn,
            expected: `expected a certificate of aws:region ${region}: an ALB takes ACM certificates of its own region only`,
        });
    } else if (certificate && account && certificate[2] !== account) {
        problems.push({
            key: `${key}.certificateArn`,
            value: lb.certificateArn,
            expected: `expected a certificate of account ${account} (ci.deployRoleArn's, where the ALB is created): ACM certificates cannot be used across accounts`,
        });
    }
    if (!stage) {
        return problems;
    }
    if (!stageProfile(stage).httpOnlyAllowed && lb.certificateArn === undefined) {
        problems.push({
            key: `${key}.certificateArn`,
            value: undefined,
            expected: `expected an ACM certificate ARN: ${stage} serves HTTPS only (HTTP alone is for ${stagesWhere((p) => p.httpOnlyAllowed).join(", ")})`,
        });
    }
    if (stageProfile(stage).loadBalancerSafeguards && lb.accessLogs === false) {
        problems.push({
            key: `${key}.accessLogs`,
            value: false,
            expected: `expected true in ${stage}: access logs are the record of every request`,
        });
    }
    if (stageProfile(stage).loadBalancerSafeguards && lb.deletionProtection === false) {
        problems.push({
            key: `${key}.deletionProtection`,
            value: false,
            expected: `expected true in ${stage}: the ALB outlives clusters and carries the stage's DNS`,
        });
    }
    return problems;
}
