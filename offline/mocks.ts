/**
 * Pulumi mocks shared by the specs and the offline render. `@pulumi/eks` and `@pulumi/awsx`
 * components are remote: under mocks each is one resource with no children, so the outputs the
 * program reads from them are fabricated here, in one place.
 */
import * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";
const MOCK_CA = Buffer.from("mock certificate authority").toString("base64");

function arn(service: string, resource: string, region = "eu-west-1"): string {
    const scope = service === "iam" ? "" : region;
    return `arn:aws:${service}:${scope}:${MOCK_ACCOUNT_ID}:${resource}`;
}

function subnetIds(kind: string, name: string, azs: unknown): string[] {
    const count = Array.isArray(azs) ? azs.length : 2;
    return Array.from({ length: count }, (_, i) => `subnet-${kind}-${name}-${i}`);
}

function kubeconfig(clusterName: string): string {
    return JSON.stringify({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                name: clusterName,
                cluster: { "server": `https://${clusterName}.mock.eks.amazonaws.com`, "certificate-authority-data": MOCK_CA },
            },
        ],
        "contexts": [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        "users": [
            {
                name: clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName],
                    },
                },
            },
        ],
    });
}

/** Outputs a real deployment would compute, by resource type. Everything else echoes its inputs. */
export function fabricatedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (type) {
        case "eks:index:Cluster": {
            const clusterName = inputs.name ?? name;
            return {
                kubeconfigJson: kubeconfig(clusterName),
                eksCluster: {
                    name: clusterName,
                    arn: arn("eks", `cluster/${clusterName}`),
                    version: inputs.version,
                    endpoint: `https://${clusterName}.mock.eks.amazonaws.com`,
                    certificateAuthority: { data: MOCK_CA },
                },
                // pulumi-eks 4.3.0: oidcProviderUrl is the issuer with https://, oidcIssuer without; "" without a provider.
                ...(inputs.createOidcProvider
                    ? {
                          oidcProviderArn: arn("iam", `oidc-provider/oidc.eks.mock.amazonaws.com/id/${clusterName.toUpperCase()}`),
                          oidcProviderUrl: `https://oidc.eks.mock.amazonaws.com/id/${clusterName.toUpperCase()}`,
                          oidcIssuer: `oidc.eks.mock.amazonaws.com/id/${clusterName.toUpperCase()}`,
                      }
                    : { oidcProviderArn: "", oidcProviderUrl: "", oidcIssuer: "" }),
                clusterSecurityGroupId: `sg-cluster-${clusterName}`,
                nodeSecurityGroupId: `sg-cluster-${clusterName}`,
            };
        }
        case "awsx:ec2:Vpc":
            return {
                vpcId: `vpc-${name}`,
                privateSubnetIds: subnetIds("private", name, inputs.availabilityZoneNames),
                publicSubnetIds: subnetIds("public", name, inputs.availabilityZoneNames),
            };
        case "eks:index:ManagedNodeGroup":
            return { nodeGroup: { nodeGroupName: `${inputs.nodeGroupNamePrefix ?? ""}mock`, arn: arn("eks", `nodegroup/${name}`) } };
        case "aws:autoscaling/group:Group":
            return { name: `${inputs.namePrefix ?? name}mock`, arn: arn("autoscaling", `autoScalingGroup:${name}`) };
        case "aws:iam/role:Role":
            return { name: inputs.name ?? `${name}-mock`, arn: arn("iam", `role/${inputs.name ?? `${name}-mock`}`) };
        case "aws:iam/policy:Policy":
            return { arn: arn("iam", `policy/${name}-mock`) };
        case "aws:iam/instanceProfile:InstanceProfile":
            return { name: `${name}-mock`, arn: arn("iam", `instance-profile/${name}-mock`) };
        case "aws:kms/key:Key":
            return { keyId: `key-${name}`, arn: arn("kms", `key/key-${name}`) };
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                arn: arn("elasticloadbalancing", `loadbalancer/app/${name}/50dc6c495c0c9188`),
                arnSuffix: `app/${name}/50dc6c495c0c9188`,
                dnsName: `${name}-1234567890.eu-west-1.elb.amazonaws.com`,
            };
        case "aws:lb/targetGroup:TargetGroup":
            return {
                arn: arn("elasticloadbalancing", `targetgroup/${name}/73e2d6bc24d8a067`),
                arnSuffix: `targetgroup/${name}/73e2d6bc24d8a067`,
            };
        case "aws:lb/listener:Listener":
            return { arn: arn("elasticloadbalancing", `listener/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2`) };
        case "aws:ec2/securityGroup:SecurityGroup":
            return { id: `sg-${name}` };
        case "aws:s3/bucket:Bucket":
            return { bucket: `${name}-mock`, arn: `arn:aws:s3:::${name}-mock` };
        case "aws:sns/topic:Topic":
            return { arn: arn("sns", inputs.name ?? name) };
        case "aws:ssm/parameter:Parameter":
            return { arn: arn("ssm", `parameter${inputs.name}`) };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: arn("logs", `log-group:${inputs.name}`) };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { arn: arn("cloudwatch", `alarm:${inputs.name ?? name}`) };
        case "aws:cloudwatch/compositeAlarm:CompositeAlarm":
            return { arn: arn("cloudwatch", `alarm:${inputs.alarmName}`) };
        case "aws:cloudwatch/eventRule:EventRule":
            return { arn: arn("events", `rule/${inputs.name ?? name}`) };
        case "datadog:index/serviceLevelObjective:ServiceLevelObjective":
            return { id: `slo${name.length}abcdef0123456789abcdef012345` };
        case "aws:lambda/function:Function":
            return { arn: arn("lambda", `function:${inputs.name ?? name}`) };
        case "datadog:index/dashboardJson:DashboardJson":
            return { id: `abc-${name}`, url: `/dashboard/abc-${name}` };
        case "datadog:index/monitor:Monitor":
            return { id: `1000${name.length}` };
        case "aws:sqs/queue:Queue": {
            // The provider autonames a queue: <name>-<random suffix>.
            const queueName = inputs.name ?? `${name}-mock`;
            return {
                name: queueName,
                arn: arn("sqs", queueName),
                url: `https://sqs.eu-west-1.amazonaws.com/${MOCK_ACCOUNT_ID}/${queueName}`,
            };
        }
        case "random:index/randomPassword:RandomPassword":
            return { result: `mock-password-${"x".repeat(Number(inputs.length ?? 16))}`.slice(0, Number(inputs.length ?? 16)) };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 1, arn: arn("ec2", `launch-template/lt-${name}`) };
        default:
            return {};
    }
}

/** Results of provider functions the program calls. */
export function fabricatedCallResult(token: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (token) {
        case "aws:eks/getAddonVersion:getAddonVersion":
            return { ...inputs, version: `v0.0.0-mock-for-${inputs.kubernetesVersion}` };
        case "aws:elb/getServiceAccount:getServiceAccount":
            return { id: "156460612806", arn: "arn:aws:iam::156460612806:root" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT_ID, arn: arn("iam", "user/mock"), userId: "mock" };
        default:
            return inputs;
    }
}

export class PlatformMocks implements pulumi.runtime.Mocks {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const { id, ...outputs } = fabricatedOutputs(args.type, args.name, args.inputs);
        const fallbackId = typeof args.inputs.name === "string" ? args.inputs.name : `${args.name}-id`;
        return { id: typeof id === "string" ? id : fallbackId, state: { ...args.inputs, ...outputs } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return fabricatedCallResult(args.token, args.inputs);
    }
}
