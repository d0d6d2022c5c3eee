/** The secrets a stack needs: which config keys, what for, and how each is read. */
import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem, REDACTED } from "./problems";
import { PROJECT } from "./schema/stage";
import type { RawStackConfig } from "./config";

/** The secret config key holding an app's database password: app `checkout-api` -> `eks-platform:checkoutApiDbPassword`. */
export function dbPasswordKey(app: string): string {
    const camel = app.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    return `${PROJECT}:${camel}DbPassword`;
}

/**
 * The secret config key of an app's secret variable: app `web`, STRIPE_API_KEY ->
 * `eks-platform:webEnvStripeApiKey` (camelCase, as Pulumi config keys are written).
 */
export function secretEnvKey(app: string, variable: string): string {
    const camelApp = app.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const pascal = variable
        .toLowerCase()
        .split("_")
        .filter(Boolean)
        .map((word) => word[0].toUpperCase() + word.slice(1))
        .join("");
    return `${PROJECT}:${camelApp}Env${pascal}`;
}

/** The Datadog provider's own config keys; the API key is shared with the agent. */
export const DATADOG_API_KEY = "datadog:apiKey";
export const DATADOG_APP_KEY = "datadog:appKey";
export const SLACK_WEBHOOK_KEY = `${PROJECT}:slackWebhookUrl`;

export interface RequiredSecret {
    readonly key: string;
    readonly purpose: string;
}

/** A structured value's top-level object, or {} when it does not parse (the schema reports that). */
export function parseObjectLeniently(text: string | undefined): Record<string, unknown> {
    try {
        const value = text === undefined ? {} : JSON.parse(text);
        return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch {
        return {};
    }
}

/**
 * The secrets a stack needs, derived from its raw config, so the offline render can stand in for
 * them and the loader can say which command sets a missing one.
 */
export function requiredSecrets(values: Readonly<Record<string, string | undefined>>): RequiredSecret[] {
    const apps = parseObjectLeniently(values[`${PROJECT}:apps`]);
    const monitoring = parseObjectLeniently(values[`${PROJECT}:monitoring`]);
    const slack = (monitoring.slack ?? {}) as { delivery?: unknown };
    return [
        ...Object.entries(apps).flatMap(([app, settings]) => {
            const { rds, secretEnv } = (settings ?? {}) as { rds?: unknown; secretEnv?: unknown };
            const variables = Array.isArray(secretEnv) ? secretEnv.filter((v): v is string => typeof v === "string") : [];
            return [
                ...(rds !== undefined ? [{ key: dbPasswordKey(app), purpose: `database password of app "${app}"` }] : []),
                ...variables.map((variable) => ({ key: secretEnvKey(app, variable), purpose: `${variable} of app "${app}"` })),
            ];
        }),
        ...(datadogEnabled(values)
            ? [
                  { key: DATADOG_API_KEY, purpose: "Datadog API key (agent and provider)" },
                  { key: DATADOG_APP_KEY, purpose: "Datadog application key (provider)" },
              ]
            : []),
        ...(slack.delivery === "lambda" ? [{ key: SLACK_WEBHOOK_KEY, purpose: "Slack incoming webhook URL" }] : []),
    ];
}

/** Datadog is on unless `addons.datadog.enabled` is false: the agent, its monitors and dashboards. */
export function datadogEnabled(values: Readonly<Record<string, string | undefined>>): boolean {
    return datadogEnabledIn(parseObjectLeniently(values[`${PROJECT}:addons`]));
}

/** The same, of the `addons` section already parsed (not yet validated). */
export function datadogEnabledIn(addons: unknown): boolean {
    return (addons as { datadog?: { enabled?: unknown } } | undefined)?.datadog?.enabled !== false;
}

/** The secret's value, or a problem when it is missing or was set without `--secret`. */
export function readSecret(raw: RawStackConfig, key: string, problems: ConfigProblem[]): pulumi.Output<string> | undefined {
    const value = raw.values[key];
    if (value === undefined || value === "") {
        problems.push({ key, value: undefined, expected: `is required: run \`pulumi config set --secret ${key} <value>\`` });
        return undefined;
    }
    if (!raw.secretKeys.has(key)) {
        problems.push({
            key,
            value: REDACTED,
            expected: `expected a secret: run \`pulumi config set --secret ${key} <value>\` to encrypt it`,
        });
        return undefined;
    }
    return pulumi.secret(value);
}
