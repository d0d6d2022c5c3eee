/**
 * The preflight of one stack: its config loaded and validated as the program does, rendered
 * offline for the names it will create, then every check against the account, read-only.
 */
import { ACMClient } from "@aws-sdk/client-acm";
import { ChatbotClient } from "@aws-sdk/client-chatbot";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EKSClient } from "@aws-sdk/client-eks";
import { IAMClient } from "@aws-sdk/client-iam";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { runProgram } from "../offline/program-run";
import { readStackConfig, StackFileOptions } from "../offline/stack-files";
import { parseStackConfig } from "../stacks/config";
import type { AwsClients, PreflightContext } from "./context";
import { ec2Checks } from "./ec2-checks";
import { eksChecks } from "./eks-checks";
import { iamChecks } from "./iam-checks";
import { CheckResult, errorCode } from "./result";
import { CHATBOT_API_REGION, serviceChecks } from "./service-checks";

/** Clients of the stack's region, with the SDK's default credential chain (the caller's). */
export function awsClients(region: string): AwsClients {
    return {
        eks: new EKSClient({ region }),
        ec2: new EC2Client({ region }),
        iam: new IAMClient({ region }),
        sts: new STSClient({ region }),
        acm: new ACMClient({ region }),
        logs: new CloudWatchLogsClient({ region }),
        quotas: new ServiceQuotasClient({ region }),
        chatbot: new ChatbotClient({ region: CHATBOT_API_REGION }),
        ssm: new SSMClient({ region }),
    };
}

export interface PreflightOptions extends StackFileOptions {
    readonly stack: string;
    /** Default: clients of the stack's region. */
    readonly clients?: (region: string) => AwsClients;
}

/** Every check's result, EKS first; a bad config throws before AWS is asked anything. */
export async function runPreflight(options: PreflightOptions): Promise<CheckResult[]> {
    const { stack, clients = awsClients, ...files } = options;
    const config = parseStackConfig(stack, readStackConfig(stack, files));
    const run = await runProgram({ stack, ...files });
    const aws = clients(config.region);
    const context: PreflightContext = { stack, config, resources: run.resources, clients: aws, caller: await callerIdentity(stack, aws) };
    const groups = await Promise.all([eksChecks(context), ec2Checks(context), iamChecks(context), serviceChecks(context)]);
    return groups.flat();
}

/**
 * Stops with one clear error, rather than a failure per check, when the caller has no valid
 * credentials (none found, expired, or rejected): GetCallerIdentity needs no permission, so any
 * error from it is one of those.
 */
async function callerIdentity(stack: string, clients: AwsClients): Promise<PreflightContext["caller"]> {
    try {
        const { Account = "", Arn = "" } = await clients.sts.send(new GetCallerIdentityCommand({}));
        return { account: Account, arn: Arn };
    } catch (error) {
        const reason = `${errorCode(error) ?? "Error"}: ${error instanceof Error ? error.message : String(error)}`;
        throw new Error(
            `[${stack}] no valid AWS credentials (${reason}): preflight asks the account read-only with the caller's credentials; sign in (aws sso login, or AWS_PROFILE) as the stack's deploy role, then run it again`,
        );
    }
}
