/**
 * npm run preflight: every check against the AWS SDK's clients mocked (tests/support/aws-account.ts),
 * on the stg fixture stack: a healthy account passes, each problem fails or warns with what to do,
 * a denied call is a warning naming its action, and nothing but reads is ever sent.
 */
import { DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { ChatbotServiceException, DescribeSlackWorkspacesCommand } from "@aws-sdk/client-chatbot";
import { DescribeLogGroupsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
    _InstanceType,
    DescribeAddressesCommand,
    DescribeAvailabilityZonesCommand,
    DescribeInstanceTypeOfferingsCommand,
    EC2ServiceException,
} from "@aws-sdk/client-ec2";
import { DescribeAddonVersionsCommand, DescribeClusterCommand, DescribeClusterVersionsCommand } from "@aws-sdk/client-eks";
import { GetRoleCommand, IAMServiceException } from "@aws-sdk/client-iam";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, NoSuchResourceException } from "@aws-sdk/client-service-quotas";
import { GetParameterCommand, ParameterNotFound } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../offline/stack-files";
import { preflightPolicy } from "../preflight/policy";
import { al2023AmiParameter } from "../preflight/ec2-checks";
import { callerIsRole } from "../preflight/iam-checks";
import { certificateCovers, vcpuNeeds } from "../preflight/needs";
import { CheckResult, formatResults } from "../preflight/result";
import { awsClients, runPreflight } from "../preflight/run";
import { CHATBOT_API_REGION } from "../preflight/service-checks";
import { parsePreflightArgs } from "../scripts/preflight";
import { parseStackConfig } from "../stacks/config";
import { ACCOUNT, AccountMocks, fakeClients, healthyAccount, restore, roleNotFound, ZONES } from "./support/aws-account";
import { FIXTURE_DIR, fixtureSection, readFixtureConfig } from "./support/fixtures";

const metadata = { $metadata: {} };

function preflight(overrides: Record<string, unknown> = {}): Promise<CheckResult[]> {
    return runPreflight({ stack: "stg", stackDir: FIXTURE_DIR, overrides, clients: fakeClients });
}

/** The one result whose check starts so. */
async function resultOf(check: string, overrides: Record<string, unknown> = {}): Promise<CheckResult> {
    const matching = (await preflight(overrides)).filter((r) => r.check.startsWith(check));
    expect(
        matching.map((r) => r.check),
        check,
    ).to.have.length(1);
    return matching[0];
}

/** The error a promise rejects with, if it does. */
async function failureOf(promise: Promise<unknown>): Promise<Error | undefined> {
    try {
        await promise;
        return undefined;
    } catch (error) {
        return error as Error;
    }
}

function ec2Error(name: string, message: string): EC2ServiceException {
    return new EC2ServiceException({ name, $fault: "client", message, ...metadata });
}

describe("preflight", () => {
    let account: AccountMocks;
    beforeEach(() => {
        account = healthyAccount();
    });
    afterEach(() => restore(account));

    it("passes every check on a healthy account, following every page, and sends reads only", async () => {
        const results = await preflight();
        expect(results.filter((r) => r.status !== "pass")).to.deep.equal([]);
        expect(results.map((r) => `${r.area} ${r.check}`)).to.include.members([
            "eks Kubernetes 1.35 offered",
            "eks add-on aws-ebs-csi-driver v1.66.0-eksbuild.1 for 1.35",
            "eks cluster name eks-platform-stg",
            "ec2 zones eu-west-1a, eu-west-1b, eu-west-1c",
            "ec2 node group eks-platform-stg/system types in every zone",
            "ec2 NodePool eks-platform-stg/spot can launch in every zone",
            "ec2 On-Demand Standard vCPUs quota (L-1216C47A)",
            "ec2 Spot Standard vCPUs quota (L-34B43A08)",
            "ec2 Elastic IPs for 3 NAT gateways (L-0263D0A3)",
            "iam Spot service-linked role AWSServiceRoleForEC2Spot",
            "sts caller is the deploy role",
            "iam preview role arn:aws:iam::222233334444:role/eks-platform-preview",
            "logs log group /aws/eks/eks-platform-stg/cluster",
            "chatbot Slack workspace T0123ABCD",
        ]);
        expect(results).to.have.length(25);
        // The add-on builds, offerings and workspaces were on second pages.
        expect(account.eks.commandCalls(DescribeAddonVersionsCommand).map((c) => c.args[0].input.nextToken)).to.include("page-2");
        expect(account.ec2.commandCalls(DescribeInstanceTypeOfferingsCommand)).to.have.length(2);
        expect(account.eks.commandCalls(DescribeClusterVersionsCommand)[0].args[0].input).to.deep.equal({
            clusterVersions: ["1.35"],
            includeAll: true,
        });
        expect(account.chatbot.commandCalls(DescribeSlackWorkspacesCommand as never)).to.have.length(2);
        const sent = Object.values(account).flatMap((mock) => mock.calls().map((call: any) => call.args[0].constructor.name as string));
        expect(sent.filter((name) => !/^(Describe|Get|List)/.test(name))).to.deep.equal([]);
        expect(formatResults("stg", results).split("\n").pop()).to.equal("preflight stg: 25 passed, 0 warnings, 0 failed");
    });

    it("fails a Kubernetes minor EKS does not offer, and warns when its support dates differ from the table", async () => {
        account.eks.on(DescribeClusterVersionsCommand).resolves({ clusterVersions: [] });
        expect(await resultOf("Kubernetes 1.35")).to.deep.include({ status: "fail", detail: "EKS does not offer 1.35 in eu-west-1" });
        account.eks.on(DescribeClusterVersionsCommand).resolves({
            clusterVersions: [
                {
                    clusterVersion: "1.35",
                    endOfStandardSupportDate: new Date("2027-04-01T00:00:00Z"),
                    endOfExtendedSupportDate: new Date("2028-03-27T00:00:00Z"),
                },
            ],
        });
        const dates = await resultOf("Kubernetes 1.35");
        expect(dates.status).to.equal("warn");
        expect(dates.detail).to.equal(
            "EKS ends standard support on 2027-04-01 and extended support on 2028-03-27; stacks/kubernetes-versions.ts says 2027-03-27 and 2028-03-27",
        );
    });

    it("fails a pinned add-on build EKS does not offer for the minor, naming what it offers", async () => {
        account.eks
            .on(DescribeAddonVersionsCommand)
            .resolves({ addons: [{ addonName: "coredns", addonVersions: [{ addonVersion: "v1.14.3-eksbuild.4" }] }] });
        const coredns = await resultOf("add-on coredns");
        expect(coredns).to.deep.include({
            status: "fail",
            detail: "not offered; EKS offers v1.14.3-eksbuild.4",
            fix: "pin one of the offered builds for 1.35 in stacks/kubernetes-versions.ts",
        });
    });

    it("fails a cluster name another cluster holds, and passes the stack's own", async () => {
        account.eks.on(DescribeClusterCommand).resolves({ cluster: { name: "eks-platform-stg", tags: { Stack: "other" } } });
        expect((await resultOf("cluster name")).status).to.equal("fail");
        account.eks
            .on(DescribeClusterCommand)
            .resolves({ cluster: { name: "eks-platform-stg", tags: { Project: "eks-platform", Stack: "stg" } } });
        expect(await resultOf("cluster name")).to.deep.include({
            status: "pass",
            detail: "exists and is this stack's (tags Project and Stack match)",
        });
    });

    it("fails a zone the region lacks, an instance type one zone does not offer, and a NodePool with nothing to launch in a zone", async () => {
        account.ec2
            .on(DescribeAvailabilityZonesCommand)
            .resolves({ AvailabilityZones: ZONES.slice(0, 2).map((ZoneName) => ({ ZoneName, State: "available" })) });
        expect((await resultOf("zones")).detail).to.equal("eu-west-1c not in eu-west-1, which has eu-west-1a, eu-west-1b");
        const offer = (byZone: Record<string, string[]>) =>
            account.ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({
                InstanceTypeOfferings: Object.entries(byZone).flatMap(([Location, types]) =>
                    types.map((type) => ({ InstanceType: type as _InstanceType, Location, LocationType: "availability-zone" as const })),
                ),
            });
        offer({ "eu-west-1a": ["m7g.large", "m6g.large"], "eu-west-1b": ["m7g.large", "m6g.large"], "eu-west-1c": ["m7g.large"] });
        expect(await resultOf("node group")).to.deep.include({ status: "fail", detail: "not offered: m6g.large in eu-west-1c" });
        // t4g.medium is burstable and too small for 110 pods: no pool admits it.
        offer({ "eu-west-1a": ["m7g.large", "m6g.large"], "eu-west-1b": ["m7g.large", "m6g.large"], "eu-west-1c": ["t4g.medium"] });
        expect(await resultOf("NodePool eks-platform-stg/spot")).to.deep.include({
            status: "fail",
            detail: "none of its admitted types is offered in eu-west-1c",
        });
    });

    it("warns that the quotas of non-Standard families a NodePool admits are not checked", async () => {
        const cluster = fixtureSection("stg", "cluster");
        cluster.nodePools.spot.instanceCategories = ["c", "g"];
        const warned = await resultOf("vCPU quotas of other instance families", { "eks-platform:cluster": cluster });
        expect(warned).to.deep.include({
            status: "warn",
            detail: "the stack may launch g instances, whose vCPUs count against quotas of their own, not checked here",
        });
        expect((await preflight()).filter((r) => r.check.startsWith("vCPU quotas of other"))).to.deep.equal([]);
    });

    it("fails a vCPU quota below the node groups at max size plus the NodePools' limits", async () => {
        expect(vcpuNeeds(parseStackConfig("stg", readFixtureConfig("stg")))).to.deep.equal({ onDemand: 3 * 2 + 12, spot: 8 });
        account.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-1216C47A" }).resolves({ Quota: { Value: 16 } });
        expect(await resultOf("On-Demand Standard vCPUs")).to.deep.include({
            status: "fail",
            detail: "16 in the account; the stack may run 18 (node groups at maxSize, NodePools at their CPU limits, every slot)",
        });
    });

    it("reads AWS's default where the account has no applied quota value", async () => {
        account.quotas.on(GetServiceQuotaCommand, { QuotaCode: "L-34B43A08" }).rejects(
            new NoSuchResourceException({
                message: "The request failed because the specified service quota does not exist.",
                ...metadata,
            }),
        );
        account.quotas.on(GetAWSDefaultServiceQuotaCommand, { QuotaCode: "L-34B43A08" }).resolves({ Quota: { Value: 5 } });
        expect(await resultOf("Spot Standard vCPUs")).to.deep.include({
            status: "fail",
            detail: "5 in the account; the stack may run 8 (node groups at maxSize, NodePools at their CPU limits, every slot)",
        });
    });

    it("fails when other Elastic IPs leave too few for a NAT gateway per zone, counting the stack's own as its", async () => {
        const address = (stack: string) => ({
            PublicIp: "198.51.100.1",
            Tags: [
                { Key: "Project", Value: "eks-platform" },
                { Key: "Stack", Value: stack },
            ],
        });
        account.ec2.on(DescribeAddressesCommand).resolves({ Addresses: [address("dev"), address("prd"), address("qa")] });
        expect(await resultOf("Elastic IPs")).to.deep.include({ status: "fail", detail: "quota 5, 3 held by others, 2 free" });
        account.ec2.on(DescribeAddressesCommand).resolves({ Addresses: [address("stg"), address("stg"), address("stg")] });
        expect(await resultOf("Elastic IPs")).to.deep.include({ status: "pass", detail: "quota 5, 0 held by others, 5 free" });
    });

    it("warns that the Spot service-linked role is missing, with the command that creates it", async () => {
        account.iam.on(GetRoleCommand, { RoleName: "AWSServiceRoleForEC2Spot" }).rejects(roleNotFound("AWSServiceRoleForEC2Spot"));
        expect(await resultOf("Spot service-linked role")).to.deep.include({
            status: "warn",
            fix: "to create it ahead: aws iam create-service-linked-role --aws-service-name spot.amazonaws.com",
        });
    });

    it("fails an AMI release Karpenter cannot resolve for the minor, reading the parameter Karpenter reads", async () => {
        const parameter = al2023AmiParameter("arm64", "1.35", "v20260714");
        expect(parameter).to.equal(
            "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/arm64/standard/amazon-eks-node-al2023-arm64-standard-1.35-v20260714/image_id",
        );
        account.ssm.on(GetParameterCommand, { Name: parameter }).rejects(new ParameterNotFound({ message: "", ...metadata }));
        expect(await resultOf("Karpenter's AMI al2023@v20260714 (arm64)")).to.deep.include({
            status: "fail",
            detail: "no such build in eu-west-1: Karpenter cannot resolve al2023@v20260714 and launches no node",
        });
    });

    it("warns when the caller is not the deploy role, and fails a CI or admin role that does not exist", async () => {
        expect(
            callerIsRole(
                `arn:aws:sts::${ACCOUNT}:assumed-role/eks-platform-deploy/s`,
                `arn:aws:iam::${ACCOUNT}:role/ci/eks-platform-deploy`,
            ),
        ).to.equal(true);
        expect(
            callerIsRole(
                `arn:aws:sts::111111111111:assumed-role/eks-platform-deploy/s`,
                `arn:aws:iam::${ACCOUNT}:role/eks-platform-deploy`,
            ),
        ).to.equal(false);
        account.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice` });
        account.iam.on(GetRoleCommand, { RoleName: "platform-admin" }).rejects(roleNotFound("platform-admin"));
        const results = await preflight();
        expect(results.find((r) => r.check === "caller is the deploy role")!.status).to.equal("warn");
        expect(results.find((r) => r.check.startsWith("admin role"))).to.deep.include({
            status: "fail",
            detail: `no such role in account ${ACCOUNT}`,
        });
    });

    it("fails a certificate still pending validation, one that misses a host, and one of another account (config refuses another region)", async () => {
        account.acm
            .on(DescribeCertificateCommand)
            .resolves({ Certificate: { DomainName: "stg.example.com", Status: "PENDING_VALIDATION" } });
        expect(await resultOf("certificate")).to.deep.include({
            status: "fail",
            detail: "is PENDING_VALIDATION, not ISSUED",
            fix: "create the DNS validation records ACM lists for it",
        });
        account.acm
            .on(DescribeCertificateCommand)
            .resolves({ Certificate: { DomainName: "www.example.com", SubjectAlternativeNames: ["www.example.com"], Status: "ISSUED" } });
        expect((await resultOf("certificate")).detail).to.equal("ISSUED for www.example.com, which does not cover stg.example.com");
        expect(certificateCovers("*.example.com", "stg.example.com")).to.equal(true);
        expect(certificateCovers("*.example.com", "a.stg.example.com")).to.equal(false);
        account.sts
            .on(GetCallerIdentityCommand)
            .resolves({ Account: "999988887777", Arn: `arn:aws:sts::999988887777:assumed-role/eks-platform-deploy/s` });
        expect((await resultOf("certificate")).detail).to.equal(
            "is in eu-west-1 of account 222233334444; the ALB is in eu-west-1 of 999988887777",
        );
    });

    it("fails a control-plane log group someone else created, and passes the stack's own", async () => {
        const group = {
            logGroupName: "/aws/eks/eks-platform-stg/cluster",
            logGroupArn: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/eks/eks-platform-stg/cluster`,
        };
        account.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [group] });
        expect((await resultOf("log group")).status).to.equal("fail");
        account.logs
            .on(ListTagsForResourceCommand, { resourceArn: group.logGroupArn })
            .resolves({ tags: { Project: "eks-platform", Stack: "stg" } });
        expect(await resultOf("log group")).to.deep.include({ status: "pass", detail: "exists and is this stack's" });
    });

    it("fails a Slack workspace not authorised for Chatbot, naming the ones that are", async () => {
        account.chatbot
            .on(DescribeSlackWorkspacesCommand as never)
            .resolves({ SlackWorkspaces: [{ SlackTeamId: "T0999OTHER", SlackTeamName: "elsewhere" }] } as never);
        expect(await resultOf("Slack workspace")).to.deep.include({ status: "fail", detail: "not authorised; the account has T0999OTHER" });
    });

    it("turns a denied call into a warning naming the IAM action, whichever service denies it", async () => {
        account.ec2
            .on(DescribeInstanceTypeOfferingsCommand)
            .rejects(ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation."));
        account.iam
            .on(GetRoleCommand, { RoleName: "eks-platform-preview" })
            .rejects(new IAMServiceException({ name: "AccessDenied", $fault: "client", message: "not authorized", ...metadata }));
        account.chatbot
            .on(DescribeSlackWorkspacesCommand as never)
            .rejects(new ChatbotServiceException({ name: "AccessDeniedException", $fault: "client", message: "denied", ...metadata }));
        const results = await preflight();
        const warned = results.filter((r) => r.status === "warn").map((r) => r.detail);
        expect(warned).to.deep.equal([
            "not checked: the caller may not call ec2:DescribeInstanceTypeOfferings",
            "not checked: the caller may not call iam:GetRole",
            "not checked: the caller may not call chatbot:DescribeSlackWorkspaces",
        ]);
        expect(results.filter((r) => r.status === "fail")).to.deep.equal([]);
    });

    it("stops with one clear error without credentials, and on a bad config before asking AWS anything", async () => {
        account.sts
            .on(GetCallerIdentityCommand)
            .rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
        expect((await failureOf(preflight()))?.message).to.match(
            /^\[stg\] no valid AWS credentials \(CredentialsProviderError: Could not load credentials from any providers\): /,
        );
        account.sts
            .on(GetCallerIdentityCommand)
            .rejects(Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredToken" }));
        expect((await failureOf(preflight()))?.message).to.match(/^\[stg\] no valid AWS credentials \(ExpiredToken: /);
        restore(account);
        account = healthyAccount();
        const badConfig = runPreflight({
            stack: "stg",
            stackDir: FIXTURE_DIR,
            overrides: { "eks-platform:ci": { ...fixtureSection("stg", "ci"), deployRoleArn: "eks-platform-deploy" } },
            clients: fakeClients,
        });
        expect((await failureOf(badConfig))?.message).to.contain("[stg] eks-platform:ci.deployRoleArn");
        expect(Object.values(account).flatMap((mock) => mock.calls())).to.deep.equal([]);
    });

    it("asks Chatbot in a region its API answers in, whatever the stack's region", async () => {
        // AWS Chatbot API Reference: us-east-2, us-west-2, eu-west-1 and ap-southeast-1 only.
        expect(CHATBOT_API_REGION).to.equal("us-east-2");
        expect(await awsClients("ap-southeast-2").chatbot.config.region()).to.equal("us-east-2");
    });

    it("takes one stack and --json, and refuses anything else with the usage", () => {
        expect(parsePreflightArgs(["stg", "--json"])).to.deep.equal({ stack: "stg", json: true });
        expect(() => parsePreflightArgs([])).to.throw(/^usage: npm run preflight/);
        expect(() => parsePreflightArgs(["stg", "prd"])).to.throw(/^usage: npm run preflight/);
        expect(() => parsePreflightArgs(["stg", "--jsn"])).to.throw(/^unknown option --jsn\n\nusage: npm run preflight/);
    });
});

describe("preflight's IAM policy", () => {
    it("allows exactly the actions the checks call, read-only, and is the one docs/preflight.md prints", () => {
        const source = fs
            .readdirSync(path.join(PROJECT_DIR, "preflight"))
            .map((file) => fs.readFileSync(path.join(PROJECT_DIR, "preflight", file), "utf8"))
            .join("\n");
        const called = new Set(source.match(/\b(acm|chatbot|ec2|eks|iam|logs|servicequotas|ssm|sts):[A-Z][A-Za-z]+/g));
        called.delete("sts:GetCallerIdentity"); // needs no permission
        const policy = preflightPolicy() as { Statement: { Action: string[] }[] };
        const allowed = policy.Statement.flatMap((s) => s.Action);
        expect([...called].sort()).to.deep.equal([...allowed].sort());
        expect(allowed.filter((action) => !/:(Describe|Get|List)/.test(action))).to.deep.equal([]);
        const docs = fs.readFileSync(path.join(PROJECT_DIR, "docs", "preflight.md"), "utf8");
        expect(docs).to.contain(JSON.stringify(policy, null, 2));
    });
});
