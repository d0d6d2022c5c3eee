/**
 * ACM, CloudWatch Logs and Chatbot: the ALB's certificate is ISSUED in the stack's region and
 * account and covers every app host; each control-plane log group is free or the stack's own;
 * the Slack workspace is authorised for Chatbot delivery.
 */
import { DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { paginateDescribeSlackWorkspaces } from "@aws-sdk/client-chatbot";
import { DescribeLogGroupsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { PreflightContext } from "./context";
import { arnParts, certificateCovers, namedResources, ownedBy } from "./needs";
import { CheckResult, fail, guarded, pass, unlessMissing } from "./result";

async function certificate(context: PreflightContext): Promise<CheckResult[]> {
    const arn = context.config.loadBalancer.certificateArn;
    if (!arn) {
        return [];
    }
    const check = `certificate ${arn}`;
    const hosts = [...new Set(Object.values(context.config.apps).flatMap((app) => app.hosts))];
    return guarded("acm", check, "acm:DescribeCertificate", async () => {
        const parts = arnParts(arn);
        const { account } = context.caller;
        if (parts?.region !== context.config.region || parts.account !== account) {
            return fail(
                "acm",
                check,
                `is in ${parts?.region} of account ${parts?.account}; the ALB is in ${context.config.region} of ${account}`,
                "request or import the certificate in the stack's region and account",
            );
        }
        const found = await unlessMissing(
            context.clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn })),
            "ResourceNotFoundException",
        );
        if (!found) {
            return fail("acm", check, "does not exist", "correct loadBalancer.certificateArn");
        }
        const { Certificate } = found;
        const names = [...new Set([Certificate?.DomainName, ...(Certificate?.SubjectAlternativeNames ?? [])])].filter(
            (n): n is string => !!n,
        );
        const uncovered = hosts.filter((host) => !names.some((name) => certificateCovers(name, host)));
        if (Certificate?.Status !== "ISSUED") {
            return fail(
                "acm",
                check,
                `is ${Certificate?.Status}, not ISSUED`,
                Certificate?.Status === "PENDING_VALIDATION"
                    ? "create the DNS validation records ACM lists for it"
                    : "request a new certificate",
            );
        }
        return uncovered.length === 0
            ? pass("acm", check, `ISSUED, covers ${hosts.length > 0 ? hosts.join(", ") : "every host (apps route any host)"}`)
            : fail(
                  "acm",
                  check,
                  `ISSUED for ${names.join(", ")}, which does not cover ${uncovered.join(", ")}`,
                  "add the hosts to the certificate, or correct apps.<app>.hosts",
              );
    });
}

async function logGroup(context: PreflightContext, name: string, tags: Record<string, string>): Promise<CheckResult[]> {
    const check = `log group ${name}`;
    return guarded("logs", check, "logs:DescribeLogGroups, logs:ListTagsForResource", async () => {
        const { logGroups = [] } = await context.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
        const existing = logGroups.find((g) => g.logGroupName === name);
        if (!existing) {
            return pass("logs", check, "free");
        }
        const arn = existing.logGroupArn ?? existing.arn?.replace(/:\*$/, "");
        const { tags: existingTags } = await context.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
        return ownedBy(existingTags, tags)
            ? pass("logs", check, "exists and is this stack's")
            : fail(
                  "logs",
                  check,
                  "exists, not created by this stack (EKS creates it on a cluster's first log line when nothing else did)",
                  "delete it if its logs are not needed, or `pulumi import` it into the stack",
              );
    });
}

/**
 * Chatbot's API answers in us-east-2, us-west-2, eu-west-1 and ap-southeast-1 only (AWS Chatbot
 * API Reference; terraform-provider-aws internal/service/chatbot service_package.go); the SDK
 * builds an endpoint for any region, so the region is pinned. Workspaces are account-wide.
 */
export const CHATBOT_API_REGION = "us-east-2";

async function slackWorkspace(context: PreflightContext): Promise<CheckResult[]> {
    const slack = context.config.monitoring.slack;
    if (slack.delivery !== "chatbot" || !slack.workspaceId) {
        return [];
    }
    const check = `Slack workspace ${slack.workspaceId}`;
    return guarded("chatbot", check, "chatbot:DescribeSlackWorkspaces", async () => {
        const authorised: string[] = [];
        for await (const page of paginateDescribeSlackWorkspaces({ client: context.clients.chatbot }, {})) {
            authorised.push(...(page.SlackWorkspaces ?? []).map((w) => w.SlackTeamId!));
        }
        return authorised.includes(slack.workspaceId!)
            ? pass("chatbot", check, "authorised")
            : fail(
                  "chatbot",
                  check,
                  authorised.length === 0
                      ? "no Slack workspace is authorised in this account"
                      : `not authorised; the account has ${authorised.join(", ")}`,
                  "authorise it once in the console (Amazon Q Developer in chat applications, Configure new client, Slack), or correct monitoring.slack.workspaceId",
              );
    });
}

export async function serviceChecks(context: PreflightContext): Promise<CheckResult[]> {
    const logGroups = namedResources(context.resources).filter((r) => r.kind === "log-group");
    const results = await Promise.all([
        certificate(context),
        ...logGroups.map((g) => logGroup(context, g.name, g.tags)),
        slackWorkspace(context),
    ]);
    return results.flat();
}
