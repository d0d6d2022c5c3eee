/**
 * The catalogue of realistic mistakes (tests/support/config-mistakes.ts): each is refused before
 * anything is registered, with exactly these lines; the valid variants next to them render.
 */
import { expect } from "chai";
import { parseStackConfig } from "../stacks/config";
import { configProblems } from "./support/config-problems";
import { MISTAKES, VALID_VARIANTS } from "./support/config-mistakes";
import { runProgram } from "../offline/program-run";
import { readStackConfig } from "../offline/stack-files";
import { FIXTURE_DIR } from "./support/fixtures";

/** What each mistake is told, line for line. */
const TOLD: Record<string, string[]> = {
    "a cluster name that leaves no room for the node group name prefix": [
        '[dev] eks-platform:cluster.nodeGroups.system = "system": expected a shorter node group or cluster name: the managed node group\'s name prefix "eks-platform-development-cluster-system-" has 40 characters, and EKS allows 37 before the 26-character unique suffix',
    ],
    "an app name too long for its target group name": [
        "[dev] eks-platform:apps.customer-notifications = \"customer-notifications\": expected an app name of at most 20 characters: it names the app's target group (alb-<app>- and Pulumi's 7-character suffix), which ELB limits to 32",
    ],
    "an app name starting with a digit (a Service name is a DNS-1035 label)": [
        '[dev] eks-platform:apps.3d-viewer = "3d-viewer": expected an app name starting with a letter: it names the app\'s Service, a DNS-1035 label',
    ],
    "a Fargate-only cluster with more app namespaces than its profiles can select": [
        "[dev] eks-platform:cluster.fargateOnly = true: expected at most 46 apps on a Fargate-only cluster: 10 profiles of 5 namespaces each",
    ],
    "availability zones of another region": [
        '[dev] eks-platform:network.availabilityZones = ["us-east-1a","us-east-1b"]: expected zones of aws:region eu-west-1',
    ],
    "a certificate from us-east-1 (CloudFront's region) for an eu-west-1 ALB": [
        '[prd] eks-platform:loadBalancer.certificateArn = "arn:aws:acm:us-east-1:333344445555:certificate/9c1e7a3b-5d2f-4a8e-b6c0-2e4a6c8e0f13": expected a certificate of aws:region eu-west-1: an ALB takes ACM certificates of its own region only',
    ],
    "a certificate of another account": [
        '[prd] eks-platform:loadBalancer.certificateArn = "arn:aws:acm:eu-west-1:999988887777:certificate/9c1e7a3b-5d2f-4a8e-b6c0-2e4a6c8e0f13": expected a certificate of account 333344445555 (ci.deployRoleArn\'s, where the ALB is created): ACM certificates cannot be used across accounts',
    ],
    "a Graviton type in an x86_64 group": [
        '[dev] eks-platform:cluster.nodeGroups.system.instanceTypes.0 = "t4g.medium": expected an x86_64 instance type: t4g.medium is arm64 (Graviton); set architecture: arm64 or pick another type',
    ],
    "an x86 type in an arm64 group": [
        '[prd] eks-platform:cluster.nodeGroups.system.instanceTypes.1 = "m6i.large": expected an arm64 instance type: m6i.large is x86_64; set architecture: x86_64 or pick another type',
    ],
    "a Xen-based type, which cannot take IP prefixes": [
        '[prd] eks-platform:cluster.nodeGroups.system.instanceTypes.1 = "m4.large": expected a Nitro-based instance type: pods get IP prefixes (VPC CNI prefix delegation), which Xen-based types cannot take',
    ],
    "a size with too few IP addresses for 110 pods": [
        '[dev] eks-platform:cluster.nodeGroups.system.instanceTypes.0 = "t4g.micro": expected a size of large or more (t family: small or more): every node takes 110 pods, for which this size has too few IP addresses',
    ],
    "a SPOT node group of a single instance type": [
        '[dev] eks-platform:cluster.nodeGroups.system.instanceTypes = ["t4g.medium"]: expected at least 2 instance types for a SPOT group: a single spot pool is reclaimed all at once',
    ],
    "a spot-only NodePool of a single instance type": [
        '[prd] eks-platform:cluster.nodePools.spot.instanceSizes = ["xlarge"]: expected several instance types for a spot-only pool: m7g.xlarge alone is interrupted all at once when its spot capacity runs out; list more sizes or families, or allow on-demand',
    ],
    "a stage that is not the one the stack is named after": [
        '[prd] eks-platform:stage = "dev": expected prd, the stage stack "prd" is named after: stage decides its AZs, protection and alerting',
        '[prd] eks-platform:apps.web.rds.host = "web-prd.c7dkfmt89xyz.eu-west-1.rds.amazonaws.com": expected a database of dev: this host names prd',
        '[prd] eks-platform:monitoring.pageHandles = ["@pagerduty-web-oncall"]: expected no page handles in dev: only prd stages page, so these would be ignored; alerts of dev go to the Slack channel',
    ],
    "a CPU request above its limit": [
        '[dev] eks-platform:apps.web.resources.requests.cpu = "500m": expected a cpu request <= its limit (250m)',
    ],
    "an addon's memory request above its limit": [
        '[dev] eks-platform:addons.metricsServer.resources.requests.memory = "512Mi": expected a memory request <= its limit (256Mi)',
    ],
    "Datadog thresholds kept while the agent is off": [
        '[dev] eks-platform:monitoring.slack.datadogAccount = "acme": expected no Datadog settings while addons.datadog.enabled is false: no Datadog monitor exists to use them',
        '[dev] eks-platform:monitoring.datadog = {"containerRestarts":{"critical":5,"warning":3}}: expected no Datadog settings while addons.datadog.enabled is false: no Datadog monitor exists to use them',
    ],
    "a service range that overlaps the VPC": [
        '[dev] eks-platform:cluster.serviceCidr = "10.10.0.0/16": expected a range that does not overlap the VPC (network.cidr 10.10.0.0/16)',
    ],
    "prd in two zones": [
        '[prd] eks-platform:network.availabilityZones = ["eu-west-1a","eu-west-1b"]: expected at least 3 availability zones in prd',
    ],
    "a prd API endpoint open to the world": [
        '[prd] eks-platform:cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"]: expected specific CIDRs: the prd API endpoint is never open to 0.0.0.0/0',
    ],
    "the cluster autoscaler switched on next to Karpenter": [
        "[prd] eks-platform:addons.clusterAutoscaler.enabled = true: expected false with Karpenter (cluster.autoscaler): two autoscalers would fight over the same nodes",
    ],
    "metrics-server switched off while apps autoscale on it": [
        "[dev] eks-platform:addons.metricsServer.enabled = false: expected true while apps exist: their HorizontalPodAutoscalers read metrics-server",
    ],
    "external-dns switched on without the zones it may change": [
        '[dev] eks-platform:addons.externalDns = {"hostedZoneIds":[],"domainFilters":[]}: expected hostedZoneIds and domainFilters when external-dns is enabled: it may change those zones only',
    ],
    "the termination handler without self-managed groups": [
        "[dev] eks-platform:addons.nodeTerminationHandler.enabled = true: expected false without self-managed node groups: EKS managed groups and Fargate drain nodes themselves",
    ],
    "a Kubernetes minor EKS no longer runs": [
        '[stg] eks-platform:cluster.kubernetesVersion = "1.31": expected a supported Kubernetes minor (1.33 to 1.36): 1.31 left EKS standard support on 2025-11-26 and leaves extended support on 2026-11-26; upgrade one minor at a time',
    ],
    "the deploy role also listed as an admin": [
        '[dev] eks-platform:cluster.adminRoleArns = "arn:aws:iam::111122223333:role/eks-platform-deploy": expected the deploy role (ci.deployRoleArn) not to be listed: it creates the cluster, so EKS already made it admin, and a second entry fails with ResourceInUseException',
    ],
    "the preview role equal to the deploy role": [
        '[dev] eks-platform:ci.previewRoleArn = "arn:aws:iam::111122223333:role/eks-platform-deploy": expected a role of its own, neither an admin nor the deploy role: EKS allows one access entry per principal',
    ],
    "CI runners outside every network admitted to the endpoint": [
        '[prd] eks-platform:ci.runnerCidrs = ["192.0.2.0/28"]: expected runner networks inside the VPC (10.30.0.0/16, private endpoint) or inside cluster.endpoint.publicAccessCidrs: CI could not reach the API endpoint',
    ],
    "memory in bytes where MiB were meant": [
        '[dev] eks-platform:apps.web.resources.limits.memory = "256": expected at least 4Mi: 256 is 256 bytes (did you mean 256Mi?)',
        '[dev] eks-platform:apps.web.resources.requests.memory = "128Mi": expected a memory request <= its limit (256)',
    ],
    "memory in millibytes (m where Mi was meant)": [
        '[dev] eks-platform:apps.web.resources.requests.memory = "128m": expected a memory quantity such as "512Mi", "1Gi", "1G" or "500" (bytes)',
    ],
    "CPU in cores where millicores were meant": [
        '[dev] eks-platform:apps.web.resources.limits.cpu = "250": expected at most 192 cores, more than any node has: 250 is 250 cores (did you mean 250m?)',
    ],
    "a CPU request larger than any node of the cluster": [
        '[dev] eks-platform:apps.web.resources.requests.cpu = "6": expected a request that fits the largest node, a node of pool on-demand (limits 4 CPU, 16Gi), which leaves pods 3.92 cores: the pod would stay Pending',
    ],
    "a memory request larger than any node of the cluster": [
        '[prd] eks-platform:apps.web.resources.requests.memory = "200Gi": expected a request that fits the largest node, a node of pool spot (limits 40 CPU, 160Gi), which leaves pods 158.47Gi: the pod would stay Pending',
    ],
    "a NodePool CPU limit in millicores": [
        '[dev] eks-platform:cluster.nodePools.spot.limits.cpu = "500m": expected at least 2 cores, one node\'s worth: the limit is in cores, not millicores (500m is 0.5 cores)',
    ],
    "a NodePool memory limit in bytes": [
        '[dev] eks-platform:cluster.nodePools.spot.limits.memory = "16": expected at least 2Gi, one node\'s worth: 16 is 16 bytes (did you mean 16Gi?)',
    ],
    "an error rate of 10%, beyond any error budget": [
        "[prd] eks-platform:monitoring.alb.allowedErrorRate = 0.1: expected at most 0.05 (5% of requests failing): 0.1 is 10% (for 0.1% write 0.001)",
    ],
    "an error rate written as a percentage": [
        "[prd] eks-platform:monitoring.alb.allowedErrorRate = 5: expected the allowed 5XX rate, a fraction between 0 and 1: 5 looks like a percentage (for 5% write 0.05)",
    ],
    "an error budget below one error a minute": [
        "[dev] eks-platform:monitoring.alb.allowedErrorRate = 0.01: expected peakRequestsPerMinute x allowedErrorRate of at least 1 error a minute: 50 x 0.01 = 0.5, so every single 5XX would alarm",
    ],
    "a traffic floor above the peak": [
        "[dev] eks-platform:monitoring.alb.minRequestsPerMinute = 5000: expected a traffic floor below the peak (1000 requests a minute): the error-rate alarm counts only above it, so it would never fire",
    ],
    "a latency threshold in milliseconds": [
        "[prd] eks-platform:monitoring.alb.responseTime.thresholdSeconds = 500: expected seconds below the ALB's idle timeout (60 s), which ends slower requests: the alarm would never fire (for 500 ms write 0.5)",
    ],
    "a CPU threshold written as a fraction": [
        "[prd] eks-platform:monitoring.datadog.cpuOfLimit.critical = 0.9: expected a share of the CPU limit in percent (1 to 100): 0.9 looks like a fraction (for 90% write 90)",
        "[prd] eks-platform:monitoring.datadog.cpuOfLimit.warning = 0.8: expected a share of the CPU limit in percent (1 to 100): 0.8 looks like a fraction (for 80% write 80)",
    ],
    "a memory threshold above 100% of the limit": [
        "[prd] eks-platform:monitoring.datadog.memoryOfLimit.critical = 120: expected a share of the memory limit in percent, at most 100: usage never passes its limit, so the monitor would never fire",
    ],
    "an availability ratio written as a percentage": [
        "[prd] eks-platform:monitoring.datadog.deploymentAvailability.critical = 50: expected the available/desired ratio, a fraction between 0 and 1: 50 looks like a percentage (for 50% write 0.5)",
        "[prd] eks-platform:monitoring.datadog.deploymentAvailability.warning = 75: expected the available/desired ratio, a fraction between 0 and 1: 75 looks like a percentage (for 75% write 0.75)",
    ],
    "a restart warning that fires after the critical alert": [
        "[dev] eks-platform:monitoring.datadog.containerRestarts.warning = 5: expected a warning below the critical threshold (3)",
    ],
    "an app listing another app's wildcard host too, so it takes all of that app's requests": [
        '[prd] eks-platform:apps.web.hosts = ["*.example.com"]: expected a route of its own: app "api" (hosts api.example.com, *.example.com, path /) takes every request it would match, and its rule is evaluated first',
    ],
    "a path prefix that differs only by a trailing slash": [
        '[dev] eks-platform:apps.orders.pathPrefix = "/orders/": expected hosts or a path prefix of its own (app "web" is routed the same way: the ALB matches /orders/ as /orders)',
    ],
    "more hosts than a listener rule takes": [
        '[prd] eks-platform:apps.web.hosts = ["a.example.com","b.example.com","c.example.com","d.example.com","e.example.com"]: expected at most 3 hosts: they form the app\'s host-header condition, and an ALB condition takes at most 3 values; give other hosts an app (or a wildcard) of their own',
    ],
    "two apps routed the same way": [
        '[dev] eks-platform:apps.api.pathPrefix = "/": expected hosts or a path prefix of its own (app "web" is routed the same way)',
    ],
    "two apps whose database password keys collide": [
        '[dev] eks-platform:apps.web1 = "web1": expected an app name whose password key differs from app "web-1"\'s: both read eks-platform:web1DbPassword',
    ],
    "an app in kube-system": [
        '[dev] eks-platform:apps.web.namespace = "kube-system": expected a namespace of its own, not one of default, kube-system, kube-public, kube-node-lease, datadog, external-secrets, external-dns',
    ],
    "a misspelt project namespace (the ALB would stay open to the default)": [
        '[dev] eks-plaform:loadBalancer = {"allowedCidrs":["203.0.113.0/24"]}: unknown namespace "eks-plaform" (did you mean eks-platform:loadBalancer?): nothing reads it, so the stack would deploy without it; expected keys under eks-platform:, aws: or datadog:',
    ],
    "a misspelt section name": [
        '[dev] eks-platform:loadBalancers = {"allowedCidrs":["203.0.113.0/24"]}: unknown key: expected one of eks-platform:stage, eks-platform:network, eks-platform:cluster, eks-platform:clusters, eks-platform:traffic, eks-platform:apps, eks-platform:addons, eks-platform:loadBalancer, eks-platform:monitoring, eks-platform:ci, eks-platform:datadogSite, eks-platform:webDbPassword, eks-platform:slackWebhookUrl (did you mean eks-platform:loadBalancer?)',
    ],
    "datadog:apiUrl, which the program's own provider ignores": [
        '[dev] datadog:apiUrl = "https://api.datadoghq.eu/": expected no datadog:apiUrl: the program builds the Datadog provider itself from eks-platform:datadogSite (e.g. datadoghq.eu), so it would be ignored',
    ],
    "another Datadog provider setting": [
        "[dev] datadog:validate = false: expected only datadog:apiKey and datadog:appKey: the program builds the Datadog provider itself, so datadog:validate would be ignored",
    ],
    "a kubernetes: provider setting": [
        '[dev] kubernetes:context = "dev-cluster": expected no kubernetes: settings: the program builds the Kubernetes provider from the cluster it creates, so this would be ignored',
    ],
    "a misspelt AWS provider setting": [
        '[dev] aws:profle = "platform-dev": unknown AWS provider setting (did you mean profile?): the provider would ignore it',
    ],
    "an env entry overriding the platform's DB_HOST": [
        '[stg] eks-platform:apps.web.env.DB_HOST = "localhost": expected no DB_HOST in env: the platform sets it from rds (and the password Secret), and env would silently replace it',
    ],
    "a database password written into env": [
        '[stg] eks-platform:apps.web.env.DB_PASSWORD = "(not shown)": expected no secret in the ConfigMap: a key that looks like a password, secret or token belongs in a Secret',
    ],
    "an API token written into env": [
        '[stg] eks-platform:apps.web.env.PAYMENTS_API_TOKEN = "(not shown)": expected no secret in the ConfigMap: a key that looks like a password, secret or token belongs in a Secret; list it in secretEnv and set it with `pulumi config set --secret`',
    ],
    "a stg app pointed at the prd database through env": [
        '[stg] eks-platform:apps.web.env.REPORTING_DB = "web-prd.c9akciq32xyz.eu-west-1.rds.amazonaws.com": expected a database of stg: this RDS host names prd',
    ],
    "a stg app whose rds.host is prd's": [
        '[stg] eks-platform:apps.web.rds.host = "web-prd.c9akciq32xyz.eu-west-1.rds.amazonaws.com": expected a database of stg: this host names prd',
    ],
    "a misspelt secret key holding its value in plain text": [
        "[dev] datadog:apikey = (set in plain text, not shown): expected only datadog:apiKey and datadog:appKey (did you mean datadog:apiKey?): the program builds the Datadog provider itself, so datadog:apikey would be ignored",
    ],
    "a region without its last dash": ['[dev] aws:region = "eu-west1": expected an AWS region such as eu-west-1 (did you mean eu-west-1?)'],
    "a region AWS does not have": [
        '[dev] aws:region = "eu-west-9": expected a region AWS has, such as eu-west-1 (did you mean eu-west-1?)',
    ],
    "the Datadog API key set without --secret": [
        "[dev] datadog:apiKey = (set in plain text, not shown): expected a secret: run `pulumi config set --secret datadog:apiKey <value>` to encrypt it",
    ],
    "chatbot delivery without the Slack workspace": [
        "[stg] eks-platform:monitoring.slack.workspaceId = (not set): is required for chatbot delivery: AWS Chatbot posts to this Slack workspace and channel",
    ],
    "no Datadog Slack account while Datadog is on": [
        "[stg] eks-platform:monitoring.slack.datadogAccount = (not set): is required while Datadog is on (addons.datadog): monitors notify the channel as @slack-<datadogAccount>-<channelName>",
    ],
    "an image on :latest": [
        '[dev] eks-platform:apps.web.image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/web:latest": expected an image pinned by digest (repo@sha256:...) or by an immutable tag (repo:1.4.2), not :latest',
    ],
    "an image without tag or digest": [
        '[dev] eks-platform:apps.web.image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/web": expected an image pinned by digest (repo@sha256:...) or by an immutable tag (repo:1.4.2); an image without a tag runs whatever latest is',
    ],
};

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

describe("config mistakes", () => {
    it("the catalogue holds at least 60 mistakes, each with its message", () => {
        expect(MISTAKES.length).to.be.at.least(60);
        expect(MISTAKES.map((m) => m.what)).to.have.members(Object.keys(TOLD));
    });

    for (const mistake of MISTAKES) {
        it(`refuses ${mistake.what}`, () => {
            const told = configProblems(mistake.stack, { overrides: mistake.overrides(), secrets: mistake.secrets });
            expect(told).to.deep.equal(TOLD[mistake.what]);
        });
    }

    describe("valid variants render", () => {
        for (const variant of VALID_VARIANTS) {
            it(variant.what, async () => {
                const options = { stack: variant.stack, stackDir: FIXTURE_DIR, overrides: variant.overrides(), secrets: variant.secrets };
                expect(() => parseStackConfig(variant.stack, readStackConfig(variant.stack, options))).not.to.throw();
                const run = await runProgram(options);
                for (const resource of run.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
                    const inputs = resource.inputs as any;
                    const labels: Record<string, string> = { ...inputs.metadata?.labels, ...inputs.spec?.template?.metadata?.labels };
                    for (const value of Object.values<string>(labels)) {
                        expect(value, `${resource.urn} label`).to.match(LABEL_VALUE);
                    }
                }
            });
        }
    });
});
