/**
 * One bad value per rule of the config schema, each with the exact line the user is told. The
 * issue-level cases (stage, versions, sizes, CIDRs, zones, quantities, secrets, apps, addons,
 * monitoring) live in their own specs; this table covers every other field.
 */
import { expect } from "chai";
import { configProblems } from "./support/config-problems";
import { fixtureSection } from "./support/fixtures";

type Edit = (value: any) => void;

/** [what, stack, key, edit, expected line]. */
const CASES: [string, string, string, Edit, string][] = [
    [
        "a VPC range smaller than /20",
        "dev",
        "network",
        (n) => {
            n.cidr = "10.10.0.0/24";
        },
        '[dev] eks-platform:network.cidr = "10.10.0.0/24": expected a VPC range from /16 to /20: every pod takes an IP of a private subnet',
    ],
    [
        "a zone listed twice",
        "dev",
        "network",
        (n) => {
            n.availabilityZones = ["eu-west-1a", "eu-west-1a"];
        },
        '[dev] eks-platform:network.availabilityZones = ["eu-west-1a","eu-west-1a"]: expected each availability zone once',
    ],
    [
        "a zone that is not a zone name",
        "dev",
        "network",
        (n) => {
            n.availabilityZones = ["eu-west-1a", "west"];
        },
        '[dev] eks-platform:network.availabilityZones.1 = "west": expected an availability zone name such as eu-west-1a',
    ],
    [
        "an unknown NAT strategy",
        "dev",
        "network",
        (n) => {
            n.natGateways = "perSubnet";
        },
        '[dev] eks-platform:network.natGateways = "perSubnet": expected "single" or "onePerAz"',
    ],
    [
        "a public service range",
        "dev",
        "cluster",
        (c) => {
            c.serviceCidr = "100.64.0.0/16";
        },
        '[dev] eks-platform:cluster.serviceCidr = "100.64.0.0/16": expected a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
    ],
    [
        "a service range too small",
        "dev",
        "cluster",
        (c) => {
            c.serviceCidr = "172.20.0.0/26";
        },
        '[dev] eks-platform:cluster.serviceCidr = "172.20.0.0/26": expected a prefix from /12 to /24',
    ],
    [
        "a log list without audit",
        "dev",
        "cluster",
        (c) => {
            c.logTypes = ["api", "authenticator"];
        },
        '[dev] eks-platform:cluster.logTypes = ["api","authenticator"]: expected the list to include api, audit, authenticator',
    ],
    [
        "an unknown log type",
        "dev",
        "cluster",
        (c) => {
            c.logTypes = ["api", "audit", "authenticator", "kubelet"];
        },
        '[dev] eks-platform:cluster.logTypes.3 = "kubelet": expected one of api, audit, authenticator, controllerManager, scheduler',
    ],
    [
        "no node groups on an EC2 cluster",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups = {};
        },
        "[dev] eks-platform:cluster.nodeGroups = {}: expected at least one node group (or fargateOnly: true)",
    ],
    [
        "a malformed admin role",
        "dev",
        "cluster",
        (c) => {
            c.adminRoleArns = ["platform-admin"];
        },
        '[dev] eks-platform:cluster.adminRoleArns.0 = "platform-admin": expected an IAM role ARN such as arn:aws:iam::111122223333:role/platform-admin',
    ],
    [
        "a malformed cluster name",
        "dev",
        "cluster",
        (c) => {
            c.name = "my cluster";
        },
        "[dev] eks-platform:cluster.name = \"my cluster\": expected an EKS cluster name: letters, digits, '-' and '_', at most 100 characters",
    ],
    [
        "a node group name with capitals",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.System = c.nodeGroups.system;
            delete c.nodeGroups.system;
        },
        "[dev] eks-platform:cluster.nodeGroups.System = \"System\": expected a node group name: lowercase letters, digits and '-', at most 63 characters, starting and ending alphanumeric",
    ],
    [
        "an instance type that is not one",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.instanceTypes = ["large"];
        },
        '[dev] eks-platform:cluster.nodeGroups.system.instanceTypes.0 = "large": expected an EC2 instance type such as m6i.large',
    ],
    [
        "no instance type",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.instanceTypes = [];
        },
        "[dev] eks-platform:cluster.nodeGroups.system.instanceTypes = []: expected at least one EC2 instance type",
    ],
    [
        "an unknown capacity type",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.capacityType = "RESERVED";
        },
        '[dev] eks-platform:cluster.nodeGroups.system.capacityType = "RESERVED": expected "ON_DEMAND" or "SPOT"',
    ],
    [
        "an unknown node group kind",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.kind = "karpenter";
        },
        '[dev] eks-platform:cluster.nodeGroups.system.kind = "karpenter": expected "managed" or "self-managed"',
    ],
    [
        "a root volume too small",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.diskSizeGiB = 8;
        },
        "[dev] eks-platform:cluster.nodeGroups.system.diskSizeGiB = 8: expected a whole number of GiB from 20 to 16384",
    ],
    [
        "a maximum of zero",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.maxSize = 0;
            c.nodeGroups.system.desiredSize = 0;
            c.nodeGroups.system.minSize = 0;
        },
        "[dev] eks-platform:cluster.nodeGroups.system.maxSize = 0: expected a whole number >= 1",
    ],
    [
        "a label value with a space",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.labels.role = "web tier";
        },
        "[dev] eks-platform:cluster.nodeGroups.system.labels.role = \"web tier\": expected a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.'",
    ],
    [
        "an unknown taint effect",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.taints = [{ key: "spot", effect: "Avoid" }];
        },
        '[dev] eks-platform:cluster.nodeGroups.system.taints.0.effect = "Avoid": expected "NoSchedule", "PreferNoSchedule" or "NoExecute"',
    ],
    [
        "an IMDS hop limit of 3",
        "dev",
        "cluster",
        (c) => {
            c.nodeGroups.system.imdsHopLimit = 3;
        },
        "[dev] eks-platform:cluster.nodeGroups.system.imdsHopLimit = 3: expected 1 or 2",
    ],
    [
        "an app name with capitals",
        "dev",
        "apps",
        (a) => {
            a.Web = a.web;
            delete a.web;
        },
        "[dev] eks-platform:apps.Web = \"Web\": expected an app name: lowercase letters, digits and '-', at most 63 characters, starting and ending alphanumeric",
    ],
    [
        "both replicas and autoscaling",
        "dev",
        "apps",
        (a) => {
            a.web.replicas = 2;
        },
        "[dev] eks-platform:apps.web.replicas = 2: expected either replicas or autoscaling, not both: the HorizontalPodAutoscaler owns the replica count",
    ],
    [
        "an HPA target above 95%",
        "dev",
        "apps",
        (a) => {
            a.web.autoscaling.targetCpuUtilizationPercent = 120;
        },
        "[dev] eks-platform:apps.web.autoscaling.targetCpuUtilizationPercent = 120: expected a percentage from 10 to 95",
    ],
    [
        "a container port out of range",
        "dev",
        "apps",
        (a) => {
            a.web.port = 70000;
        },
        "[dev] eks-platform:apps.web.port = 70000: expected a container port from 1 to 65535",
    ],
    [
        "a host that is not a host name",
        "dev",
        "apps",
        (a) => {
            a.web.hosts = ["https://www.example.com"];
        },
        '[dev] eks-platform:apps.web.hosts.0 = "https://www.example.com": expected a host name such as www.example.com',
    ],
    [
        "a path prefix without /",
        "dev",
        "apps",
        (a) => {
            a.web.pathPrefix = "api";
        },
        '[dev] eks-platform:apps.web.pathPrefix = "api": expected a URL path starting with "/", such as /healthz',
    ],
    [
        "a deregistration delay over an hour",
        "dev",
        "apps",
        (a) => {
            a.web.deregistrationDelaySeconds = 4000;
        },
        "[dev] eks-platform:apps.web.deregistrationDelaySeconds = 4000: expected whole seconds from 0 to 3600",
    ],
    [
        "an environment variable name with a dash",
        "dev",
        "apps",
        (a) => {
            a.web.env["LOG-LEVEL"] = "info";
        },
        '[dev] eks-platform:apps.web.env.LOG-LEVEL = "LOG-LEVEL": expected an environment variable name such as LOG_LEVEL',
    ],
    [
        "an RDS port out of range",
        "dev",
        "apps",
        (a) => {
            a.web.rds.port = 0;
        },
        "[dev] eks-platform:apps.web.rds.port = 0: expected a TCP port from 1 to 65535",
    ],
    [
        "an RDS host with a scheme",
        "dev",
        "apps",
        (a) => {
            a.web.rds.host = "postgres://db";
        },
        '[dev] eks-platform:apps.web.rds.host = "postgres://db": expected a DNS host name such as app.abc123.eu-west-1.rds.amazonaws.com',
    ],
    [
        "two apps in one namespace",
        "dev",
        "apps",
        (a) => {
            a.api = { ...a.web, namespace: "web", hosts: ["api.example.com"] };
        },
        '[dev] eks-platform:apps.api.namespace = "web": expected a namespace of its own (app "web" already uses it)',
    ],
    [
        "a certificate that is not an ACM ARN",
        "prd",
        "loadBalancer",
        (l) => {
            l.certificateArn = "arn:aws:iam::1:server-certificate/x";
        },
        '[prd] eks-platform:loadBalancer.certificateArn = "arn:aws:iam::1:server-certificate/x": expected an ACM certificate ARN such as arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-...',
    ],
    [
        "an ALB open to nobody",
        "dev",
        "loadBalancer",
        (l) => {
            l.allowedCidrs = [];
        },
        "[dev] eks-platform:loadBalancer.allowedCidrs = []: expected at least one CIDR",
    ],
    [
        "an idle timeout of zero",
        "dev",
        "loadBalancer",
        (l) => {
            l.idleTimeoutSeconds = 0;
        },
        "[dev] eks-platform:loadBalancer.idleTimeoutSeconds = 0: expected whole seconds from 1 to 4000",
    ],
    [
        "a hosted zone ID that is not one",
        "dev",
        "addons",
        (a) => {
            a.externalDns = { enabled: true, hostedZoneIds: ["example.com"], domainFilters: ["example.com"] };
        },
        '[dev] eks-platform:addons.externalDns.hostedZoneIds.0 = "example.com": expected a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ',
    ],
    [
        "an external-dns policy that deletes others' records",
        "dev",
        "addons",
        (a) => {
            a.externalDns = { policy: "create-only" };
        },
        '[dev] eks-platform:addons.externalDns.policy = "create-only": expected "upsert-only" or "sync"',
    ],
    [
        "a secret ARN of another service",
        "dev",
        "addons",
        (a) => {
            a.externalSecrets = { secretArns: ["arn:aws:ssm:eu-west-1:1:parameter/x"] };
        },
        '[dev] eks-platform:addons.externalSecrets.secretArns.0 = "arn:aws:ssm:eu-west-1:1:parameter/x": expected an ARN such as arn:aws:secretsmanager:eu-west-1:111122223333:secret:web/*',
    ],
    [
        "a Slack channel ID that is not one",
        "stg",
        "monitoring",
        (m) => {
            m.slack.channelId = "#alerts";
        },
        '[stg] eks-platform:monitoring.slack.channelId = "#alerts": expected a Slack channel ID such as C0123ABCD',
    ],
    [
        "a channel name with '#'",
        "stg",
        "monitoring",
        (m) => {
            m.slack.channelName = "#alerts-stg";
        },
        "[stg] eks-platform:monitoring.slack.channelName = \"#alerts-stg\": expected a Slack channel name without '#', such as alerts-prd",
    ],
    [
        "an unknown delivery",
        "stg",
        "monitoring",
        (m) => {
            m.slack.delivery = "email";
        },
        '[stg] eks-platform:monitoring.slack.delivery = "email": expected "chatbot" or "lambda"',
    ],
    [
        "a page handle without @",
        "prd",
        "monitoring",
        (m) => {
            m.pageHandles = ["pagerduty-web"];
        },
        '[prd] eks-platform:monitoring.pageHandles.0 = "pagerduty-web": expected a Datadog handle such as @pagerduty-web-oncall',
    ],
    [
        "an unknown response-time statistic",
        "prd",
        "monitoring",
        (m) => {
            m.alb.responseTime.statistic = "p50";
        },
        '[prd] eks-platform:monitoring.alb.responseTime.statistic = "p50": expected "p99", "p95" or "Average"',
    ],
    [
        "a negative monitor threshold",
        "prd",
        "monitoring",
        (m) => {
            m.datadog.cpuOfLimit = { critical: -5 };
        },
        "[prd] eks-platform:monitoring.datadog.cpuOfLimit.critical = -5: expected a share of the CPU limit in percent, above 0",
    ],
    [
        "a no-data window of 2 minutes",
        "prd",
        "monitoring",
        (m) => {
            m.datadog.kubeStateMetricsNoDataMinutes = 2;
        },
        "[prd] eks-platform:monitoring.datadog.kubeStateMetricsNoDataMinutes = 2: expected whole minutes from 5 to 60",
    ],
];

describe("config messages", () => {
    for (const [what, stack, key, edit, expected] of CASES) {
        it(`rejects ${what}`, () => {
            const value = fixtureSection(stack, key);
            edit(value);
            expect(configProblems(stack, { overrides: { [`eks-platform:${key}`]: value } })).to.deep.equal([expected]);
        });
    }

    it("rejects an unknown Datadog site", () => {
        expect(configProblems("dev", { overrides: { "eks-platform:datadogSite": "datadog.com" } })).to.deep.equal([
            '[dev] eks-platform:datadogSite = "datadog.com": expected one of datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ap2.datadoghq.com, ddog-gov.com',
        ]);
    });

    it("rejects a region that is not one", () => {
        expect(configProblems("dev", { overrides: { "aws:region": "Ireland" } })).to.deep.equal([
            '[dev] aws:region = "Ireland": expected an AWS region such as eu-west-1',
        ]);
    });
});
