/**
 * A catalogue of realistic stack-file mistakes: values of the right shape that AWS, Kubernetes or
 * Datadog would refuse, or that would deploy and not do what was meant. Each is an edit of a
 * committed stack file; tests/config-mistakes.spec.ts pins the message each one gets.
 */
import { fixtureSection } from "./fixtures";

export interface Mistake {
    /** What the user did, as a sentence fragment. */
    readonly what: string;
    readonly stack: string;
    /** Stack-file keys to set (`undefined` removes one), as `--overrides`. */
    readonly overrides: () => Record<string, unknown>;
    /** Secret keys to set, as `pulumi config set --secret` would. */
    readonly secrets?: Record<string, string>;
}

/** The committed section with `edit` applied. */
function edit(stack: string, section: string, change: (value: any) => void): () => Record<string, unknown> {
    return () => {
        const value = fixtureSection(stack, section);
        change(value);
        return { [`eks-platform:${section}`]: value };
    };
}

const set = (values: Record<string, unknown>) => () => values;

const DIGEST = "3f9a1c0e5b7d2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d";

/** A second app next to the stack's `web`, routed by `hosts` and `pathPrefix`. */
function withApp(stack: string, name: string, app: Record<string, unknown>, webChange: (web: any) => void = () => undefined) {
    return edit(stack, "apps", (apps) => {
        webChange(apps.web);
        apps[name] = { ...JSON.parse(JSON.stringify(apps.web)), hosts: [], ...app };
        delete apps[name].autoscaling;
        apps[name].replicas ??= 2;
        apps[name].rds.host = `${name}-${stack}.c9akciq32xyz.eu-west-1.rds.amazonaws.com`;
    });
}

export const MISTAKES: readonly Mistake[] = [
    // ---- Names the cloud derives from config -------------------------------------------------
    {
        what: "a cluster name that leaves no room for the node group name prefix",
        stack: "dev",
        overrides: edit("dev", "cluster", (c) => {
            c.name = "eks-platform-development-cluster";
        }),
    },
    {
        what: "an app name too long for its target group name",
        stack: "dev",
        overrides: withApp("dev", "customer-notifications", { pathPrefix: "/notify" }),
    },
    {
        what: "an app name starting with a digit (a Service name is a DNS-1035 label)",
        stack: "dev",
        overrides: withApp("dev", "3d-viewer", { pathPrefix: "/viewer" }),
    },
    {
        what: "a Fargate-only cluster with more app namespaces than its profiles can select",
        stack: "dev",
        overrides: () => {
            const cluster = fixtureSection("dev", "cluster");
            const apps = fixtureSection("dev", "apps");
            for (let i = 0; i < 46; i++) {
                apps[`app${i}`] = {
                    ...apps.web,
                    pathPrefix: `/app${i}`,
                    rds: { ...apps.web.rds, host: `app${i}-dev.c9akciq32xyz.eu-west-1.rds.amazonaws.com` },
                };
            }
            return {
                "eks-platform:cluster": { ...cluster, fargateOnly: true, nodeGroups: {}, nodePools: undefined, autoscaler: undefined },
                "eks-platform:apps": apps,
            };
        },
    },

    // ---- Values that belong together ---------------------------------------------------------
    {
        what: "availability zones of another region",
        stack: "dev",
        overrides: edit("dev", "network", (n) => {
            n.availabilityZones = ["us-east-1a", "us-east-1b"];
        }),
    },
    {
        what: "a certificate from us-east-1 (CloudFront's region) for an eu-west-1 ALB",
        stack: "prd",
        overrides: edit("prd", "loadBalancer", (l) => {
            l.certificateArn = l.certificateArn.replace("eu-west-1", "us-east-1");
        }),
    },
    {
        what: "a certificate of another account",
        stack: "prd",
        overrides: edit("prd", "loadBalancer", (l) => {
            l.certificateArn = l.certificateArn.replace(/:\d{12}:/, ":999988887777:");
        }),
    },
    {
        what: "a Graviton type in an x86_64 group",
        stack: "dev",
        overrides: edit("dev", "cluster", (c) => {
            c.nodeGroups.system.architecture = "x86_64";
        }),
    },
    {
        what: "an x86 type in an arm64 group",
        stack: "prd",
        overrides: edit("prd", "cluster", (c) => {
            c.nodeGroups.system.instanceTypes = ["m7g.large", "m6i.large"];
        }),
    },
    {
        what: "a Xen-based type, which cannot take IP prefixes",
        stack: "prd",
        overrides: edit("prd", "cluster", (c) => {
            c.nodeGroups.system.architecture = "x86_64";
            c.nodeGroups.system.instanceTypes = ["m5.large", "m4.large"];
        }),
    },
    {
        what: "a size with too few IP addresses for 110 pods",
        stack: "dev",
        overrides: edit("dev", "cluster", (c) => {
            c.nodeGroups.system.instanceTypes = ["t4g.micro"];
        }),
    },
    {
        what: "a SPOT node group of a single instance type",
        stack: "dev",
        overrides: edit("dev", "cluster", (c) => {
            c.nodeGroups.system.capacityType = "SPOT";
        }),
    },
    {
        what: "a spot-only NodePool of a single instance type",
        stack: "prd",
        overrides: edit("prd", "cluster", (c) => {
            c.nodePools.spot.instanceFamilies = ["m7g"];
            c.nodePools.spot.instanceSizes = ["xlarge"];
        }),
    },
    { what: "a stage that is not the one the stack is named after", stack: "prd", overrides: set({ "eks-platform:stage": "dev" }) },
    {
        what: "a CPU request above its limit",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.resources.requests.cpu = "500m";
        }),
    },
    {
        what: "an addon's memory request above its limit",
        stack: "dev",
        overrides: edit("dev", "addons", (a) => {
            a.metricsServer = { resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "200m", memory: "256Mi" } } };
        }),
    },
    {
        what: "Datadog thresholds kept while the agent is off",
        stack: "dev",
        overrides: () => ({
            ...edit("dev", "addons", (a) => {
                a.datadog = { enabled: false };
            })(),
        }),
    },
    {
        what: "a service range that overlaps the VPC",
        stack: "dev",
        overrides: edit("dev", "cluster", (c) => {
            c.serviceCidr = "10.10.0.0/16";
        }),
    },
    {
        what: "prd in two zones",
        stack: "prd",
        overrides: edit("prd", "network", (n) => {
            n.availabilityZones = ["eu-west-1a", "eu-west-1b"];
        }),
    },
    {
        what: "a prd API endpoint open to the world",
        stack: "prd",
        overrides: edit("prd", "cluster", (c) => {
            c.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
        }),
    },
    {
        what: "the cluster autoscaler switched on next to Karpenter",
        stack: "prd",
        overrides: edit("prd", "addons", (a) => {
            a.clusterAutoscaler = { enabled: true };
        }),
    },
    {
        what: "metrics-server switched off while apps autoscale on it",
        stack: "dev",
        overrides: edit("dev", "addons", (a) => {
            a.metricsServer = { enabled: false };
        }),
    },
    {
        what: "external-dns switched on without the zones it may change",
        stack: "dev",
        overrides: edit("dev", "addons", (a) => {
            a.externalDns = { enabled: true };
        }),
    },
    {
        what: "the termination handler without self-managed groups",
        stack: "dev",
        overrides: edit("dev", "addons", (a) => {
            a.nodeTerminationHandler = { enabled: true };
        }),
    },
    {
        what: "a Kubernetes minor EKS no longer runs",
        stack: "stg",
        overrides: edit("stg", "cluster", (c) => {
            c.kubernetesVersion = "1.31";
        }),
    },
    {
        what: "the deploy role also listed as an admin",
        stack: "dev",
        overrides: edit("dev", "cluster", (c) => {
            c.adminRoleArns.push("arn:aws:iam::111122223333:role/eks-platform-deploy");
        }),
    },
    {
        what: "the preview role equal to the deploy role",
        stack: "dev",
        overrides: edit("dev", "ci", (c) => {
            c.previewRoleArn = c.deployRoleArn;
        }),
    },
    {
        what: "CI runners outside every network admitted to the endpoint",
        stack: "prd",
        overrides: edit("prd", "ci", (c) => {
            c.runnerCidrs = ["192.0.2.0/28"];
        }),
    },

    // ---- Units and scales --------------------------------------------------------------------
    {
        what: "memory in bytes where MiB were meant",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.resources.limits.memory = "256";
        }),
    },
    {
        what: "memory in millibytes (m where Mi was meant)",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.resources.requests.memory = "128m";
        }),
    },
    {
        what: "CPU in cores where millicores were meant",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.resources.limits.cpu = "250";
        }),
    },
    {
        what: "a CPU request larger than any node of the cluster",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.resources.requests.cpu = "6";
            a.web.resources.limits.cpu = "6";
        }),
    },
    {
        what: "a memory request larger than any node of the cluster",
        stack: "prd",
        overrides: edit("prd", "apps", (a) => {
            a.web.resources.requests.memory = "200Gi";
            a.web.resources.limits.memory = "200Gi";
        }),
    },
    {
        what: "a NodePool CPU limit in millicores",
        stack: "dev",
        overrides: edit("dev", "cluster", (c) => {
            c.nodePools.spot.limits.cpu = "500m";
        }),
    },
    {
        what: "a NodePool memory limit in bytes",
        stack: "dev",
        overrides: edit("dev", "cluster", (c) => {
            c.nodePools.spot.limits.memory = "16";
        }),
    },
    {
        what: "an error rate of 10%, beyond any error budget",
        stack: "prd",
        overrides: edit("prd", "monitoring", (m) => {
            m.alb.allowedErrorRate = 0.1;
        }),
    },
    {
        what: "an error rate written as a percentage",
        stack: "prd",
        overrides: edit("prd", "monitoring", (m) => {
            m.alb.allowedErrorRate = 5;
        }),
    },
    {
        what: "an error budget below one error a minute",
        stack: "dev",
        overrides: edit("dev", "monitoring", (m) => {
            m.alb.peakRequestsPerMinute = 50;
        }),
    },
    {
        what: "a traffic floor above the peak",
        stack: "dev",
        overrides: edit("dev", "monitoring", (m) => {
            m.alb.minRequestsPerMinute = 5000;
        }),
    },
    {
        what: "a latency threshold in milliseconds",
        stack: "prd",
        overrides: edit("prd", "monitoring", (m) => {
            m.alb.responseTime.thresholdSeconds = 500;
        }),
    },
    {
        what: "a CPU threshold written as a fraction",
        stack: "prd",
        overrides: edit("prd", "monitoring", (m) => {
            m.datadog.cpuOfLimit = { critical: 0.9, warning: 0.8 };
        }),
    },
    {
        what: "a memory threshold above 100% of the limit",
        stack: "prd",
        overrides: edit("prd", "monitoring", (m) => {
            m.datadog.memoryOfLimit = { critical: 120, warning: 90 };
        }),
    },
    {
        what: "an availability ratio written as a percentage",
        stack: "prd",
        overrides: edit("prd", "monitoring", (m) => {
            m.datadog.deploymentAvailability = { critical: 50, warning: 75 };
        }),
    },
    {
        what: "a restart warning that fires after the critical alert",
        stack: "dev",
        overrides: edit("dev", "monitoring", (m) => {
            m.datadog.containerRestarts = { critical: 3, warning: 5 };
        }),
    },

    // ---- Routing that cannot work as written ------------------------------------------------
    {
        what: "an app listing another app's wildcard host too, so it takes all of that app's requests",
        stack: "prd",
        overrides: withApp("prd", "api", { hosts: ["api.example.com", "*.example.com"] }, (web) => {
            web.hosts = ["*.example.com"];
        }),
    },
    {
        what: "a path prefix that differs only by a trailing slash",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.pathPrefix = "/orders";
            a.orders = {
                ...JSON.parse(JSON.stringify(a.web)),
                pathPrefix: "/orders/",
                rds: { ...a.web.rds, host: "orders-dev.c9akciq32xyz.eu-west-1.rds.amazonaws.com" },
            };
        }),
    },
    {
        what: "more hosts than a listener rule takes",
        stack: "prd",
        overrides: edit("prd", "apps", (a) => {
            a.web.hosts = ["a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com"];
        }),
    },
    { what: "two apps routed the same way", stack: "dev", overrides: withApp("dev", "api", {}) },
    {
        what: "two apps whose database password keys collide",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            for (const [name, path] of [
                ["web-1", "/one"],
                ["web1", "/two"],
            ]) {
                a[name] = {
                    ...JSON.parse(JSON.stringify(a.web)),
                    pathPrefix: path,
                    rds: { ...a.web.rds, host: `${name}-dev.c9akciq32xyz.eu-west-1.rds.amazonaws.com` },
                };
            }
        }),
    },
    {
        what: "an app in kube-system",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.namespace = "kube-system";
        }),
    },

    // ---- Config that would be silently ignored -----------------------------------------------
    {
        what: "a misspelt project namespace (the ALB would stay open to the default)",
        stack: "dev",
        overrides: set({ "eks-plaform:loadBalancer": { allowedCidrs: ["203.0.113.0/24"] } }),
    },
    {
        what: "a misspelt section name",
        stack: "dev",
        overrides: set({ "eks-platform:loadBalancers": { allowedCidrs: ["203.0.113.0/24"] } }),
    },
    {
        what: "datadog:apiUrl, which the program's own provider ignores",
        stack: "dev",
        overrides: set({ "datadog:apiUrl": "https://api.datadoghq.eu/" }),
    },
    { what: "another Datadog provider setting", stack: "dev", overrides: set({ "datadog:validate": "false" }) },
    { what: "a kubernetes: provider setting", stack: "dev", overrides: set({ "kubernetes:context": "dev-cluster" }) },
    { what: "a misspelt AWS provider setting", stack: "dev", overrides: set({ "aws:profle": "platform-dev" }) },
    {
        what: "an env entry overriding the platform's DB_HOST",
        stack: "stg",
        overrides: edit("stg", "apps", (a) => {
            a.web.env.DB_HOST = "localhost";
        }),
    },
    {
        what: "a database password written into env",
        stack: "stg",
        overrides: edit("stg", "apps", (a) => {
            a.web.env.DB_PASSWORD = "hunter2-hunter2";
        }),
    },
    {
        what: "an API token written into env",
        stack: "stg",
        overrides: edit("stg", "apps", (a) => {
            a.web.env.PAYMENTS_API_TOKEN = "tok_live_abc";
        }),
    },
    {
        what: "a stg app pointed at the prd database through env",
        stack: "stg",
        overrides: edit("stg", "apps", (a) => {
            a.web.env.REPORTING_DB = "web-prd.c9akciq32xyz.eu-west-1.rds.amazonaws.com";
        }),
    },
    {
        what: "a stg app whose rds.host is prd's",
        stack: "stg",
        overrides: edit("stg", "apps", (a) => {
            a.web.rds.host = "web-prd.c9akciq32xyz.eu-west-1.rds.amazonaws.com";
        }),
    },
    {
        what: "a misspelt secret key holding its value in plain text",
        stack: "dev",
        overrides: set({ "datadog:apikey": "0123456789abcdef0123456789abcdef" }),
    },

    // ---- Clear messages for the rest ---------------------------------------------------------
    { what: "a region without its last dash", stack: "dev", overrides: set({ "aws:region": "eu-west1" }) },
    { what: "a region AWS does not have", stack: "dev", overrides: set({ "aws:region": "eu-west-9" }) },
    {
        what: "the Datadog API key set without --secret",
        stack: "dev",
        overrides: set({ "datadog:apiKey": "0123456789abcdef0123456789abcdef" }),
    },
    {
        what: "chatbot delivery without the Slack workspace",
        stack: "stg",
        overrides: edit("stg", "monitoring", (m) => {
            delete m.slack.workspaceId;
        }),
    },
    {
        what: "no Datadog Slack account while Datadog is on",
        stack: "stg",
        overrides: edit("stg", "monitoring", (m) => {
            delete m.slack.datadogAccount;
        }),
    },
    {
        what: "an image on :latest",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/web:latest";
        }),
    },
    {
        what: "an image without tag or digest",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/web";
        }),
    },
];

/** Valid configurations a careless rule could refuse: each must parse and render. */
export const VALID_VARIANTS: readonly Mistake[] = [
    {
        what: "an image pinned as repo:tag@sha256:digest",
        stack: "prd",
        overrides: edit("prd", "apps", (a) => {
            a.web.image = `444455556666.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2@sha256:${DIGEST}`;
        }),
    },
    {
        what: "an env key that merely contains PASS (BYPASS_CACHE)",
        stack: "stg",
        overrides: edit("stg", "apps", (a) => {
            a.web.env.BYPASS_CACHE = "true";
        }),
    },
    {
        what: "an exact host next to a wildcard host of another app",
        stack: "prd",
        overrides: withApp("prd", "api", { hosts: ["api.example.com"] }, (web) => {
            web.hosts = ["*.example.com"];
        }),
    },
    {
        what: "a narrower wildcard listed after a broader one",
        stack: "prd",
        overrides: withApp("prd", "api", { hosts: ["*.api.example.com"] }, (web) => {
            web.hosts = ["*.example.com"];
        }),
    },
    {
        what: "an image tagged with a build number",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/web:1842";
        }),
    },
    {
        what: "an image tag that is no valid label value",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.image = `444455556666.dkr.ecr.eu-west-1.amazonaws.com/web:_build.${"7".repeat(70)}-`;
        }),
    },
    {
        what: "no deregistration delay (no preStop hook)",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.deregistrationDelaySeconds = 0;
        }),
    },
    {
        what: "Pulumi's own and AWS provider settings",
        stack: "dev",
        overrides: set({ "pulumi:tags": { team: "platform" }, "aws:defaultTags": { tags: { CostCenter: "42" } } }),
    },
    {
        what: "Datadog switched off, with its settings and keys removed",
        stack: "prd",
        overrides: () => {
            const monitoring = fixtureSection("prd", "monitoring");
            delete monitoring.slack.datadogAccount;
            delete monitoring.pageHandles;
            delete monitoring.datadog;
            return {
                "eks-platform:addons": { ...fixtureSection("prd", "addons"), datadog: { enabled: false } },
                "eks-platform:monitoring": monitoring,
                "datadog:apiKey": undefined,
                "datadog:appKey": undefined,
            };
        },
    },
    {
        what: "a CPU request that fits the largest node exactly as allocatable",
        stack: "dev",
        overrides: edit("dev", "apps", (a) => {
            a.web.resources.requests.cpu = "3900m";
            a.web.resources.limits.cpu = "3900m";
        }),
    },
];
