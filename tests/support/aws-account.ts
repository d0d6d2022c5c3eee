/**
 * A healthy AWS account for the stg fixture stack, as the AWS SDK v3 clients answer it, mocked
 * with aws-sdk-client-mock: the response shapes of the AWS API references, paginated where the
 * API pages. A spec changes one answer to see one check fail.
 */
import { ACMClient, DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { ChatbotClient, DescribeSlackWorkspacesCommand } from "@aws-sdk/client-chatbot";
import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
    DescribeAddressesCommand,
    DescribeAvailabilityZonesCommand,
    DescribeInstanceTypeOfferingsCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import {
    DescribeAddonVersionsCommand,
    DescribeClusterCommand,
    DescribeClusterVersionsCommand,
    EKSClient,
    ResourceNotFoundException as EksNotFound,
} from "@aws-sdk/client-eks";
import { GetRoleCommand, IAMClient, NoSuchEntityException } from "@aws-sdk/client-iam";
import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { AwsClientStub, AwsStub, mockClient } from "aws-sdk-client-mock";
import type { AwsClients } from "../../preflight/context";
import { KUBERNETES_MINORS } from "../../stacks/kubernetes-versions";

export const ACCOUNT = "222233334444";
export const ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const metadata = { $metadata: {} };

export interface AccountMocks {
    readonly eks: AwsClientStub<EKSClient>;
    readonly ec2: AwsClientStub<EC2Client>;
    readonly iam: AwsClientStub<IAMClient>;
    readonly sts: AwsClientStub<STSClient>;
    readonly acm: AwsClientStub<ACMClient>;
    readonly logs: AwsClientStub<CloudWatchLogsClient>;
    readonly quotas: AwsClientStub<ServiceQuotasClient>;
    /** The Chatbot client's last release (3.670.0) types its middleware against an older @smithy/types. */
    readonly chatbot: AwsStub<any, any, any>;
    readonly ssm: AwsClientStub<SSMClient>;
}

/** Clients with fixed fake credentials, so nothing reaches for a real credential chain. */
export function fakeClients(region: string): AwsClients {
    const options = { region, credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "example" } };
    return {
        eks: new EKSClient(options),
        ec2: new EC2Client(options),
        iam: new IAMClient(options),
        sts: new STSClient(options),
        acm: new ACMClient(options),
        logs: new CloudWatchLogsClient(options),
        quotas: new ServiceQuotasClient(options),
        chatbot: new ChatbotClient({ ...options, region: "us-east-2" }),
        ssm: new SSMClient(options),
    };
}

export function roleNotFound(name: string): NoSuchEntityException {
    return new NoSuchEntityException({ message: `The role with name ${name} cannot be found.`, ...metadata });
}

export const ROLES = ["eks-platform-deploy", "eks-platform-preview", "platform-admin", "AWSServiceRoleForEC2Spot"];

/** Every client of the account mocked as healthy for the stg fixture. */
export function healthyAccount(): AccountMocks {
    const mocks: AccountMocks = {
        eks: mockClient(EKSClient),
        ec2: mockClient(EC2Client),
        iam: mockClient(IAMClient),
        sts: mockClient(STSClient),
        acm: mockClient(ACMClient),
        logs: mockClient(CloudWatchLogsClient),
        quotas: mockClient(ServiceQuotasClient),
        chatbot: mockClient(ChatbotClient as never),
        ssm: mockClient(SSMClient),
    };
    mocks.sts.on(GetCallerIdentityCommand).resolves({
        Account: ACCOUNT,
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/eks-platform-deploy/GitHubActions`,
        UserId: "AROAEXAMPLE:GitHubActions",
    });

    const minor = KUBERNETES_MINORS["1.35"];
    mocks.eks.on(DescribeClusterVersionsCommand).resolves({
        clusterVersions: [
            {
                clusterVersion: "1.35",
                endOfStandardSupportDate: new Date(`${minor.endOfStandardSupport}T00:00:00Z`),
                endOfExtendedSupportDate: new Date(`${minor.endOfExtendedSupport}T00:00:00Z`),
                status: "standard-support",
                versionStatus: "STANDARD_SUPPORT",
            },
        ],
    });
    // Two pages: an older build first, the pinned one after the nextToken.
    mocks.eks.on(DescribeAddonVersionsCommand).callsFake((input) => {
        const addonName = input.addonName as keyof typeof minor.addons;
        return input.nextToken
            ? { addons: [{ addonName, type: "networking", addonVersions: [{ addonVersion: minor.addons[addonName] }] }] }
            : { addons: [{ addonName, addonVersions: [{ addonVersion: "v0.0.1-eksbuild.1" }] }], nextToken: "page-2" };
    });
    mocks.eks.on(DescribeClusterCommand).rejects(new EksNotFound({ message: "No cluster found for name: eks-platform-stg.", ...metadata }));

    mocks.ec2.on(DescribeAvailabilityZonesCommand).resolves({
        AvailabilityZones: ZONES.map((ZoneName, i) => ({
            ZoneName,
            State: "available",
            ZoneId: `euw1-az${i + 1}`,
            RegionName: "eu-west-1",
        })),
    });
    const offered = ["m7g.large", "m6g.large", "c7g.large", "m6i.large", "c6i.large", "r6g.large"];
    mocks.ec2.on(DescribeInstanceTypeOfferingsCommand).callsFake((input) => {
        const offerings = ZONES.flatMap((Location) =>
            offered.map((InstanceType) => ({ InstanceType, Location, LocationType: "availability-zone" as const })),
        );
        const half = Math.ceil(offerings.length / 2);
        return input.NextToken
            ? { InstanceTypeOfferings: offerings.slice(half) }
            : { InstanceTypeOfferings: offerings.slice(0, half), NextToken: "page-2" };
    });
    mocks.ec2.on(DescribeAddressesCommand).resolves({
        Addresses: [
            { PublicIp: "198.51.100.7", AllocationId: "eipalloc-0other", Domain: "vpc", Tags: [{ Key: "Stack", Value: "another" }] },
        ],
    });
    const quotas: Record<string, number> = { "L-1216C47A": 64, "L-34B43A08": 64, "L-0263D0A3": 5 };
    mocks.quotas.on(GetServiceQuotaCommand).callsFake((input) => ({
        Quota: { ServiceCode: "ec2", QuotaCode: input.QuotaCode, Value: quotas[input.QuotaCode as string] },
    }));
    mocks.ssm
        .on(GetParameterCommand)
        .callsFake((input) => ({ Parameter: { Name: input.Name, Type: "String", Value: "ami-0123456789abcdef0" } }));

    mocks.iam.on(GetRoleCommand).callsFake((input) => {
        const name = input.RoleName as string;
        if (!ROLES.includes(name)) {
            throw roleNotFound(name);
        }
        const path = name.startsWith("AWSServiceRole") ? "/aws-service-role/spot.amazonaws.com/" : "/";
        return {
            Role: {
                RoleName: name,
                Arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
                Path: path,
                RoleId: "AROAEXAMPLE",
                CreateDate: new Date(),
            },
        };
    });

    mocks.acm.on(DescribeCertificateCommand).resolves({
        Certificate: {
            CertificateArn: "arn",
            DomainName: "*.example.com",
            SubjectAlternativeNames: ["*.example.com", "example.com"],
            Status: "ISSUED",
        },
    });
    mocks.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    mocks.logs.on(ListTagsForResourceCommand).resolves({ tags: {} });
    mocks.chatbot
        .on(DescribeSlackWorkspacesCommand as never)
        .callsFake((input: { NextToken?: string }) =>
            input.NextToken
                ? { SlackWorkspaces: [{ SlackTeamId: "T0123ABCD", SlackTeamName: "acme" }] }
                : { SlackWorkspaces: [{ SlackTeamId: "T0999OTHER", SlackTeamName: "elsewhere" }], NextToken: "page-2" },
        );
    return mocks;
}

export function restore(mocks: AccountMocks): void {
    Object.values(mocks).forEach((mock) => mock.restore());
}
