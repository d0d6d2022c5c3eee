/** What every preflight check gets: the stack's validated config, its offline render, and read-only AWS clients. */
import type { ACMClient } from "@aws-sdk/client-acm";
import type { ChatbotClient } from "@aws-sdk/client-chatbot";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { EKSClient } from "@aws-sdk/client-eks";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import type { RenderedResource } from "../offline/program-run";
import type { PlatformConfig } from "../stacks/platform-config";

export interface AwsClients {
    readonly eks: EKSClient;
    readonly ec2: EC2Client;
    readonly iam: IAMClient;
    readonly sts: STSClient;
    readonly acm: ACMClient;
    readonly logs: CloudWatchLogsClient;
    readonly quotas: ServiceQuotasClient;
    readonly chatbot: ChatbotClient;
    readonly ssm: SSMClient;
}

export interface PreflightContext {
    readonly stack: string;
    readonly config: PlatformConfig;
    /** The offline render of the stack: the names and tags `pulumi up` will give what it creates. */
    readonly resources: readonly RenderedResource[];
    readonly clients: AwsClients;
    /** Who preflight runs as (sts:GetCallerIdentity, asked once). */
    readonly caller: { readonly account: string; readonly arn: string };
}
