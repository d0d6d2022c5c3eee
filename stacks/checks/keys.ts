/**
 * Keys outside the project's sections. Pulumi hands the program every key of the stack file and
 * ignores the ones nobody reads, so a misspelt namespace (`eks-plaform:loadBalancer`) would deploy
 * the defaults without a word. Every key is read by someone (this program, or the default AWS
 * provider every AWS resource uses), or it is refused.
 */
import * as awsProviderConfig from "@pulumi/aws/config/vars";
import { Region } from "@pulumi/aws/types/enums";
import { distance } from "fastest-levenshtein";
import { didYouMean } from "../suggest";
import { ConfigProblem, REDACTED } from "../problems";
import { looksSecret } from "../schema/apps";
import { REGION } from "../schema/network";
import { PROJECT } from "../schema/stage";

/** Settings of the default AWS provider (@pulumi/aws config/vars), which every AWS resource uses. */
export const AWS_PROVIDER_KEYS: readonly string[] = Object.keys(awsProviderConfig);

/** Regions the AWS provider knows (@pulumi/aws types/enums Region). */
export const AWS_REGIONS: readonly string[] = Object.values(Region);

/** Namespaces Pulumi itself reads (`pulumi:tags`, `pulumi:template`). */
const PULUMI_NAMESPACE = "pulumi";

/**
 * `projectKeys`: the `eks-platform:` keys this stack may set; `datadogKeys`: the `datadog:` keys it
 * reads (the API and application keys).
 */
export function unknownKeyProblems(
    values: Readonly<Record<string, string | undefined>>,
    secretKeys: ReadonlySet<string>,
    projectKeys: readonly string[],
    datadogKeys: readonly string[],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const key of Object.keys(values)) {
        const [namespace, name = ""] = splitKey(key);
        // A misspelt secret key may hold its secret in plain text: never print it.
        const value = secretKeys.has(key) ? "[secret]" : looksSecret(name) ? REDACTED : shown(values[key]);
        const refuse = (expected: string) => problems.push({ key, value, expected });
        if (namespace === PROJECT) {
            if (!projectKeys.includes(key)) {
                refuse(`unknown key: expected one of ${projectKeys.join(", ")}${didYouMean(key, projectKeys)}`);
            }
        } else if (namespace === "aws") {
            if (!AWS_PROVIDER_KEYS.includes(name)) {
                refuse(`unknown AWS provider setting${didYouMean(name, AWS_PROVIDER_KEYS)}: the provider would ignore it`);
            }
        } else if (namespace === "datadog") {
            if (!datadogKeys.includes(key)) {
                refuse(
                    name === "apiUrl"
                        ? `expected no datadog:apiUrl: the program builds the Datadog provider itself from ${PROJECT}:datadogSite (e.g. datadoghq.eu), so it would be ignored`
                        : `expected only ${datadogKeys.join(" and ")}${didYouMean(key, datadogKeys)}: the program builds the Datadog provider itself, so datadog:${name} would be ignored`,
                );
            }
        } else if (namespace === "kubernetes") {
            refuse(
                "expected no kubernetes: settings: the program builds the Kubernetes provider from the cluster it creates, so this would be ignored",
            );
        } else if (namespace !== PULUMI_NAMESPACE) {
            const hint = distance(namespace, PROJECT) <= 3 ? ` (did you mean ${PROJECT}:${name}?)` : "";
            refuse(
                `unknown namespace "${namespace}"${hint}: nothing reads it, so the stack would deploy without it; expected keys under ${PROJECT}:, aws: or datadog:`,
            );
        }
    }
    return problems;
}

/** `aws:region`: a region the provider knows, else a problem naming the key (not a downstream one). */
export function regionProblems(region: string | undefined): ConfigProblem[] {
    if (region !== undefined && AWS_REGIONS.includes(region)) {
        return [];
    }
    const hint = region === undefined ? "" : didYouMean(region, AWS_REGIONS);
    const shape = region !== undefined && REGION.test(region) ? "a region AWS has, such as" : "an AWS region such as";
    return [{ key: "aws:region", value: region, expected: `expected ${shape} eu-west-1${hint}` }];
}

function splitKey(key: string): [string, string?] {
    const colon = key.indexOf(":");
    return colon < 0 ? [key] : [key.slice(0, colon), key.slice(colon + 1)];
}

function shown(text: string | undefined): unknown {
    try {
        return text === undefined ? undefined : JSON.parse(text);
    } catch {
        return text;
    }
}
