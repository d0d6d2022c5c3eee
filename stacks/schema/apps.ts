import { z } from "zod";
import { sloSchema } from "./slo";
import { containerResources, dnsLabel } from "./fields";
import { pathPatterns } from "../routing";

const port = (what: string) => z.int({ error: `expected a ${what} from 1 to 65535` })
    .min(1, { error: `expected a ${what} from 1 to 65535` })
    .max(65535, { error: `expected a ${what} from 1 to 65535` });

const seconds = (min: number, max: number) => z.int({ error: `expected whole seconds from ${min} to ${max}` })
    .min(min, { error: `expected whole seconds from ${min} to ${max}` })
    .max(max, { error: `expected whole seconds from ${min} to ${max}` });

const httpPath = z.string().regex(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%\/]*$/, { error: 'expected a URL path starting with "/", such as /healthz' }).meta({ title: "path" });

/**
 * An image pinned by digest (`repo@sha256:<64 hex>`, also `repo:tag@sha256:...`, where the digest
 * wins) or by a tag CI never moves. `latest`, or no tag at all, would let two pods of one
 * Deployment run different code. Grammar: the distribution reference (an optional registry host
 * with port, always followed by "/", the path, `:tag`, `@digest`), so `web:1842` is a tag.
 */
const IMAGE = /^(?<name>(?:[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:(?<digest>[a-f0-9]{64}))?$/;

/**
 * Tags that name a branch or an environment rather than a build: registries and CI move them to
 * each new image (main, develop, stable, prod, release-candidate, feature/x pushed as feature-x).
 * A tag with a digit (1.4.2, 2026.11.3, 1842, sha-3f9a1c0) names one build.
 */
const MOVING_TAG = /^(?:(?:main|master|trunk|head|develop|development|dev|staging|stage|stg|qa|test|uat|prod|production|prd|release|stable|edge|nightly|canary|beta|alpha|current|snapshot)|(?:feature|feat|fix|bugfix|hotfix|branch|pr)[-_].*)$/i;

export const imageReference = z.string().superRefine((image, ctx) => {
    const groups = IMAGE.exec(image)?.groups;
    if (groups?.digest) {
        return;
    }
    if (!groups?.tag) {
        ctx.addIssue({ code: "custom", input: image, message: "expected an image pinned by digest (repo@sha256:...) or by an immutable tag (repo:1.4.2); an image without a tag runs whatever latest is" });
    } else if (groups.tag === "latest") {
        ctx.addIssue({ code: "custom", input: image, message: "expected an image pinned by digest (repo@sha256:...) or by an immutable tag (repo:1.4.2), not :latest" });
    } else if (MOVING_TAG.test(groups.tag)) {
        ctx.addIssue({
            code: "custom", input: image,
            message: `expected an image pinned by digest (repo@sha256:...) or by an immutable tag (repo:1.4.2): :${groups.tag} names a branch or an environment, which CI moves to each new build`,
        });
    }
});

/** Annotation on an app's service account that declares it calls the Kubernetes API (token mounted). */
export const API_ACCESS_ANNOTATION = "eks-platform/kubernetes-api-access";

/** Words that make a name secret wherever they appear in it (DBPASSWORD, SECRETKEY). */
const SECRET_PART = /(PASSWORD|PASSWD|SECRET|CREDENTIAL|PRIVATE_?KEY)/i;
/** Words that make a name secret only as whole words: BYPASS_CACHE or TOKENIZER_MODEL are not. */
const SECRET_WORD = /(^|_)(PASS|PWD|TOKEN|APIKEY|API_KEY|APPKEY|APP_KEY|WEBHOOK)(_|$)/i;

/**
 * A key that must never sit in a ConfigMap: the value belongs in a Secret. Names are split into
 * words at `_`, `-`, `.` and camelCase, so DB_PASSWORD, dbPassword, DBPASSWORD, MYSQL_PWD or
 * api-key are secret, and BYPASS_CACHE or TOKENIZER_MODEL are not.
 */
export function looksSecret(key: string): boolean {
    const words = key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[-.]/g, "_");
    return SECRET_PART.test(words.replace(/_/g, "")) || SECRET_WORD.test(words);
}

/** A URL with a password in its user info: `scheme://user:password@host`. */
const URL_WITH_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\/@\s:]*:[^\/@\s]+@/;

/** The variables the platform sets from `rds` and the password Secret: `env` may not override them. */
export const PLATFORM_ENV = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"];

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected an environment variable name such as LOG_LEVEL" });

const rdsSchema = z.strictObject({
    host: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
        error: "expected a DNS host name such as app.abc123.eu-west-1.rds.amazonaws.com",
    }).describe("The RDS endpoint (DB_HOST); a host naming another stage (`web-prd...` in stg) is refused."),
    port: port("TCP port").default(5432).describe("The database port (DB_PORT)."),
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, { error: "expected a database name" }).describe("The database name (DB_NAME)."),
    user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, { error: "expected a database user name" }).describe("The database user (DB_USER); its password is the secret `<app>DbPassword` (DB_PASSWORD)."),
});

const autoscalingSchema = z.strictObject({
    minReplicas: z.int({ error: "expected a whole number >= 1" }).min(1, { error: "expected a whole number >= 1" }).describe("The fewest replicas, at most maxReplicas; at least 2 (one lone pod goes down with every drain, consolidation or node expiry)."),
    maxReplicas: z.int({ error: "expected a whole number >= 1" }).min(1, { error: "expected a whole number >= 1" }).describe("The most replicas."),
    targetCpuUtilizationPercent: z.int({ error: "expected a percentage from 10 to 95" })
        .min(10, { error: "expected a percentage from 10 to 95" })
        .max(95, { error: "expected a percentage from 10 to 95" }).default(70).describe("Average CPU utilisation (% of requests) the HPA keeps."),
}).superRefine((hpa, ctx) => {
    if (hpa.minReplicas > hpa.maxReplicas) {
        ctx.addIssue({ code: "custom", path: ["minReplicas"], input: hpa.minReplicas, message: `expected minReplicas <= maxReplicas (${hpa.maxReplicas})` });
    }
});

/**
 * ALB listener rule limits (ELB user guide, rule-condition-types: "up to three match evaluations
 * per condition", "up to five match evaluations per rule", host and path values "up to 128
 * characters"; quotas page: condition wildcards per rule, 5 in the older and 6 in the current
 * text, so 5). An app's rule has its hosts in one host-header condition and 1 or 2 path patterns.
 */
export const ALB_RULE_LIMITS = { valuesPerCondition: 3, valuesPerRule: 5, wildcardsPerRule: 5, valueLength: 128 } as const;
const ALB_RULE_LIMITS_TEXT = `${ALB_RULE_LIMITS.valuesPerCondition} hosts (an ALB condition takes at most ${ALB_RULE_LIMITS.valuesPerCondition} values), hosts plus path patterns at most ${ALB_RULE_LIMITS.valuesPerRule} per rule, at most ${ALB_RULE_LIMITS.wildcardsPerRule} wildcards per rule, each host at most ${ALB_RULE_LIMITS.valueLength} characters`;

/** `eks-platform:apps.<app>`: one web application. */
export const appSchema = z.strictObject({
    namespace: dnsLabel("a namespace name").optional().describe("The app's own namespace (not a platform namespace). Default: the app's name."),
    image: imageReference.meta({ title: "image reference" }).describe("The container image, pinned by digest (`repo@sha256:...`, also `repo:tag@sha256:...`) or by an immutable tag (`web:1.4.2`, `web:1842`); not `:latest`, not untagged, not a tag that names a branch or an environment (`main`, `develop`, `stable`, `prod`, `feature-x`, ...), which CI moves to each build. The `tags.datadoghq.com/version` label is the tag (trimmed to a valid label value) or the digest's first 12 hex digits."),
    port: port("container port").default(8080).describe("The container port the app serves HTTP on."),
    resources: containerResources.describe("Requests and limits of the app container, written as Kubernetes takes them (`250m`, `0.5`, `512Mi`; YAML numbers too). A request must not exceed its limit and must fit the largest node the cluster can run; memory without a unit is bytes, so less than `4Mi` is refused as bytes meant for MiB, and more than 192 CPUs is cores meant for millicores; `1.5Gb`, `100mi`, `128m` of memory (millibytes) and `-1` are refused."),
    autoscaling: autoscalingSchema.optional().describe("A HorizontalPodAutoscaler's bounds; with it, the Deployment leaves the replica count to the HPA. Default: none (no HPA)."),
    replicas: z.int({ error: "expected a whole number >= 1" }).min(1, { error: "expected a whole number >= 1" }).optional().describe("A fixed replica count, only without autoscaling. At least 2 (one lone pod goes down with every drain, consolidation or node expiry). Default: 2."),
    healthCheckPath: httpPath.default("/healthz").describe("The readiness probe's and the ALB health check's path."),
    livenessPath: httpPath.optional().describe("The liveness and startup probes' path. Default: healthCheckPath."),
    hosts: z.array(z.string().regex(/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { error: "expected a host name such as www.example.com" })).default([]).describe(`Host names the ALB routes to the app (host-header routing); wildcards (\`*.example.com\`) allowed; none: any host; at most ${ALB_RULE_LIMITS_TEXT}.`),
    pathPrefix: httpPath.default("/").describe("The path prefix the ALB routes to the app: `/api` matches `/api` and `/api/*`; `/orders/` is `/orders`."),
    deregistrationDelaySeconds: seconds(0, 3600).default(30).describe("How long the ALB drains a pod being removed; also the pod's preStop sleep (no hook at 0)."),
    shutdownSeconds: seconds(1, 600).default(15).describe("How long the app needs after SIGTERM to finish its work and exit."),
    env: z.record(envName, z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or true/false" }).transform(String)).prefault({}).describe("Extra non-secret environment variables, in the app's ConfigMap. Any YAML scalar: numbers and booleans become the strings Kubernetes needs (`WORKERS: 4` is `\"4\"`). Refused without printing the value: keys containing password, passwd, secret, credential or private key anywhere (`DBPASSWORD`), or the words pass, pwd, token, api key, app key or webhook (`MYSQL_PWD`; `BYPASS_CACHE` and `TOKENIZER_MODEL` are fine), and URLs with a password in them (`redis://user:pass@host`). With rds, `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER`, `DB_PASSWORD` are the platform's."),
    secretEnv: z.array(envName).default([]).describe("Environment variables whose values are secrets: each is the secret config key `<app>Env<Name>` (app `web`, STRIPE_API_KEY -> eks-platform:webEnvStripeApiKey), set with `pulumi config set --secret`, and reaches the pods through the app's Secret only (`<app>-secrets`, or `<app>-db` with rds), never the ConfigMap, the render or a log. A name in both env and secretEnv, twice, or a `DB_*` name with rds is refused."),
    architectures: z.array(z.enum(["amd64", "arm64"], { error: 'expected "amd64" or "arm64"' })).min(1, { error: "expected at least one architecture" }).optional().describe("The CPU architectures the image is built for (`kubernetes.io/arch`: `amd64`, `arm64`); the pods run only on such nodes, and Karpenter launches such nodes for them. Set it unless the image is multi-architecture: a single-architecture image on the other architecture fails with `exec format error`. Refused when no NodePool (or, with cluster-autoscaler, no node group) offers any of them. Default: any."),
    runAsUser: z.int({ error: "expected a numeric user ID from 1 to 2147483647" }).min(1, { error: "expected a numeric user ID from 1 to 2147483647: 0 is root, which the restricted Pod Security Standard refuses" }).max(2147483647, { error: "expected a numeric user ID from 1 to 2147483647" }).optional().describe("The numeric user the app runs as. Needed when the image's USER is a name (`USER app`): with `runAsNonRoot` the kubelet cannot verify a name is not root and refuses to start the container (CreateContainerConfigError, \"image has non-numeric user\"). Default: the image's own (numeric) USER."),
    kubernetesApiAccess: z.boolean({ error: "expected true or false" }).default(false).describe("Mount a Kubernetes API token into the pods (only for apps that call the API)."),
    rds: rdsSchema.optional().describe("The app's RDS database: the DB_* variables; the password is the secret `<app>DbPassword`. Default: none (no DB_* variables, no password secret)."),
    slo: sloSchema.optional().describe("The app's availability objective; its burn-rate alerts follow `monitoring.burnRateAlerts`."),
}).superRefine((app, ctx) => {
    // With rds the platform owns the DB_* variables; a secret-looking one is refused below, unprinted.
    const reserved = app.rds ? PLATFORM_ENV : [];
    for (const key of Object.keys(app.env).filter((k) => reserved.includes(k) && !looksSecret(k))) {
        ctx.addIssue({
            code: "custom", path: ["env", key], input: app.env[key],
            message: `expected no ${key} in env: the platform sets it from rds (and the password Secret), and env would silently replace it`,
        });
    }
    for (const [key, value] of Object.entries(app.env).filter(([k, v]) => !looksSecret(k) && URL_WITH_PASSWORD.test(v))) {
        ctx.addIssue({
            code: "custom", path: ["env", key], input: `${value.slice(0, value.indexOf("://") + 3)}(not shown)`,
            message: "expected no password in the ConfigMap: this URL carries user:password@, which belongs in a Secret; pass the URL without it and the password as a secret",
        });
    }
    for (const key of Object.keys(app.env).filter((k) => looksSecret(k))) {
        ctx.addIssue({
            code: "custom", path: ["env", key], input: "(not shown)",
            message: `expected no secret in the ConfigMap: a key that looks like a password, secret or token belongs in a Secret${reserved.includes(key) ? "" : "; list it in secretEnv and set it with `pulumi config set --secret`"}`,
        });
    }
    for (const [i, key] of app.secretEnv.entries()) {
        if (app.secretEnv.indexOf(key) !== i || key in app.env || reserved.includes(key)) {
            ctx.addIssue({
                code: "custom", path: ["secretEnv", i], input: key,
                message: key in app.env ? `expected ${key} in env or in secretEnv, not both` : reserved.includes(key) ? `expected no ${key}: the platform sets it from rds` : "expected each variable once",
            });
        }
    }
    albRuleProblems(app.hosts, app.pathPrefix, ctx);
    if (app.autoscaling && app.replicas !== undefined) {
        ctx.addIssue({
            code: "custom", path: ["replicas"], input: app.replicas,
            message: "expected either replicas or autoscaling, not both: the HorizontalPodAutoscaler owns the replica count",
        });
    }
});


function albRuleProblems(hosts: string[], pathPrefix: string, ctx: z.core.$RefinementCtx<any>): void {
    const paths = pathPatterns(pathPrefix);
    const limits = ALB_RULE_LIMITS;
    // At most 3 hosts and 2 path patterns: within the 5 values a rule takes, so one check suffices.
    if (hosts.length > limits.valuesPerCondition) {
        ctx.addIssue({
            code: "custom", path: ["hosts"], input: hosts,
            message: `expected at most ${limits.valuesPerCondition} hosts: they form the app's host-header condition, and an ALB condition takes at most ${limits.valuesPerCondition} values; give other hosts an app (or a wildcard) of their own`,
        });
    }
    const wildcards = [...hosts, ...paths].join("").replace(/[^*?]/g, "").length;
    if (wildcards > limits.wildcardsPerRule) {
        ctx.addIssue({
            code: "custom", path: ["hosts"], input: hosts,
            message: `expected at most ${limits.wildcardsPerRule} wildcards (* or ?) in the app's rule: hosts and path patterns (${paths.join(", ")}) have ${wildcards}`,
        });
    }
    hosts.filter((host) => host.length > limits.valueLength).forEach((host) => ctx.addIssue({
        code: "custom", path: ["hosts", hosts.indexOf(host)], input: host, message: `expected a host of at most ${limits.valueLength} characters: the ALB's host-header values are limited to ${limits.valueLength}`,
    }));
    const longest = paths[paths.length - 1];
    if (longest.length > limits.valueLength) {
        ctx.addIssue({
            code: "custom", path: ["pathPrefix"], input: pathPrefix,
            message: `expected a path prefix of at most ${limits.valueLength - 2} characters: its pattern ${longest.slice(0, 20)}... exceeds the ${limits.valueLength} characters of an ALB path-pattern value`,
        });
    }
}

/**
 * The longest app name: it names the app's target group, which Pulumi names `alb-<app>-` plus 7
 * random characters, within the 32 characters ELB allows a target group name.
 */
export const MAX_APP_NAME = 32 - "alb-".length - 8;

/**
 * An app's name names its namespace (by default), Service, Deployment and target group: a
 * Service name is a DNS-1035 label (starts with a letter), a target group name is short.
 */
const appName = dnsLabel("an app name")
    .refine((name) => /^[a-z]/.test(name), { error: "expected an app name starting with a letter: it names the app's Service, a DNS-1035 label", abort: true })
    .refine((name) => name.length <= MAX_APP_NAME, {
        error: `expected an app name of at most ${MAX_APP_NAME} characters: it names the app's target group (alb-<app>- and Pulumi's 7-character suffix), which ELB limits to 32`,
    }).describe(`The app's name: a DNS label starting with a letter (it names the Service, a DNS-1035 label), at most ${MAX_APP_NAME} characters (it names the target group: \`alb-<app>-\` and a 7-character suffix within ELB's 32). Its password key \`<app>DbPassword\` must differ from every other app's (\`web-1\` and \`web1\` both read \`web1DbPassword\`).`);

/** `eks-platform:apps`: the apps of the stack, by name. */
export const appsSchema = z.record(appName, appSchema).default({});
