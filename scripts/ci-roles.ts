/**
 * The IAM roles a stack's CI assumes, as documents to create them from (they exist before the
 * first `pulumi up`, so the program cannot make them): the deploy role and the pull-request
 * preview role, each trusted by GitHub's OIDC provider for one GitHub environment only.
 *
 *   npm run --silent ci-roles -- <stack> --repository <owner>/<repo>
 *
 * Jobs with an `environment:` present the OIDC subject `repo:<owner>/<repo>:environment:<name>`
 * (GitHub docs, "About security hardening with OpenID Connect", example subject claims), so each
 * role trusts exactly its job's environment: a pull request can never assume the deploy role.
 */
import type { PolicyDocument } from "@pulumi/aws/iam";
import { parseStackConfig } from "../stacks/config";
import { ciEnvironments } from "../stacks/schema/ci";
import { handledHelp } from "./cli";
import { readStackConfig, StackFileOptions } from "../offline/stack-files";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/**
 * AWS's job-function policy for read-only metadata: Describe, List and Get of configuration, no
 * data (no S3 objects, parameters, secrets, queue messages). A preview without refresh reads little
 * more than the caller's identity; a refresh reads every resource's configuration.
 */
export const VIEW_ONLY_ACCESS = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess";

/** Trust of a role by GitHub Actions jobs of one repository and environment. */
export function githubEnvironmentTrustPolicy(accountId: string, repository: string, environment: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
                        [`${GITHUB_OIDC_HOST}:sub`]: `repo:${repository}:environment:${environment}`,
                    },
                },
            },
        ],
    };
}

/**
 * What the preview role may never do, whatever a managed policy grants: read data, decrypt, or
 * become another identity. Pull-request code runs with this role.
 */
export function previewRoleGuardrail(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "NoDataNoEscalation",
                Effect: "Deny",
                Action: [
                    "s3:GetObject",
                    "ssm:GetParameter",
                    "ssm:GetParameters",
                    "ssm:GetParametersByPath",
                    "secretsmanager:GetSecretValue",
                    "kms:Decrypt",
                    "sqs:ReceiveMessage",
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                    "lambda:GetFunction",
                    "sts:AssumeRole",
                    "iam:PassRole",
                    "iam:CreateAccessKey",
                    "eks:CreateAccessEntry",
                    "eks:AssociateAccessPolicy",
                ],
                Resource: "*",
            },
        ],
    };
}

export interface CiRole {
    readonly roleArn: string;
    readonly environment: string;
    readonly trustPolicy: PolicyDocument;
    readonly managedPolicyArns: string[];
    readonly inlinePolicy?: PolicyDocument;
    readonly note: string;
}

export function ciRoles(stack: string, repository: string, files: StackFileOptions = {}): { deploy: CiRole; preview?: CiRole } {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
        throw new Error(`ci-roles: --repository "${repository}": expected <owner>/<repo>, such as acme/eks-platform`);
    }
    const config = parseStackConfig(stack, readStackConfig(stack, files));
    const environments = ciEnvironments(stack, config.ci);
    const account = (arn: string) => arn.split(":")[4];
    const deploy: CiRole = {
        roleArn: config.ci.deployRoleArn,
        environment: environments.deploy,
        trustPolicy: githubEnvironmentTrustPolicy(account(config.ci.deployRoleArn), repository, environments.deploy),
        managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
        note: "creates every resource of the stack and becomes cluster admin through EKS's creator entry; narrow it with a permissions boundary if your account requires one",
    };
    const preview: CiRole | undefined =
        config.ci.previewRoleArn === undefined
            ? undefined
            : {
                  roleArn: config.ci.previewRoleArn,
                  environment: environments.preview,
                  trustPolicy: githubEnvironmentTrustPolicy(account(config.ci.previewRoleArn), repository, environments.preview),
                  managedPolicyArns: [VIEW_ONLY_ACCESS],
                  inlinePolicy: previewRoleGuardrail(),
                  note: "read-only: pull-request code runs with it; in the cluster it is the eks-platform:ci-preview group (read, no Secrets, no writes)",
              };
    return preview ? { deploy, preview } : { deploy };
}

if (require.main === module) {
    const args = process.argv.slice(2);
    if (
        handledHelp(
            args,
            "usage: npm run --silent ci-roles -- <stack> --repository <owner>/<repo>\n\nPrints the stack's CI roles as JSON: each role's trust policy for its GitHub environment's OIDC subject, and its permissions.",
        )
    ) {
        process.exit(0);
    }
    const at = args.indexOf("--repository");
    const repository = at >= 0 ? args[at + 1] : undefined;
    const stacks = args.filter((_, i) => i !== at && i !== at + 1);
    if (stacks.length !== 1 || !repository) {
        console.error("usage: npm run --silent ci-roles -- <stack> --repository <owner>/<repo>");
        process.exit(2);
    }
    try {
        console.log(JSON.stringify(ciRoles(stacks[0], repository), null, 2));
    } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(2);
    }
}
