/** external-secrets: syncs Secrets Manager secrets and SSM parameters into Kubernetes Secrets. Off by default. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../../stacks/config";
import {
    AddonContext,
    AddonSettings,
    addonNamespace,
    ChartPin,
    defaultReplicas,
    helmRelease,
    IamSource,
    mergeValues,
    addonRole,
    serviceAccountValues,
} from "./addon";

/** https://github.com/external-secrets/external-secrets/blob/helm-chart-2.9.0/deploy/charts/external-secrets/Chart.yaml */
export const CHART: ChartPin = { repository: "https://charts.external-secrets.io", chart: "external-secrets", version: "2.9.0" };
export const NAMESPACE = "external-secrets";
export const SERVICE_ACCOUNT = "external-secrets";

export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "50m", memory: "128Mi" },
    limits: { cpu: "250m", memory: "256Mi" },
};

export interface ExternalSecretsAccess {
    secretArns: string[];
    parameterArns: string[];
    kmsKeyArns: string[];
}

/**
 * The provider docs' read policies at v2.9.0, narrowed to what providers/v1/aws calls when it
 * reads: GetSecretValue and DescribeSecret on secrets, ListSecrets and BatchGetSecretValue to
 * find them; GetParameter for one parameter and GetParametersByPath for `find` by path (the
 * docs' `ssm:GetParameter*` also grants GetParameters and GetParameterHistory, never called).
 */
export const IAM_SOURCE: IamSource = {
    repository: "external-secrets/external-secrets",
    ref: "v2.9.0",
    files: [
        "docs/provider/aws-secrets-manager.md",
        "docs/provider/aws-parameter-store.md",
        "providers/v1/aws/secretsmanager/secretsmanager.go",
        "providers/v1/aws/parameterstore/parameterstore.go",
    ],
};

/** Listing on `*` (the API has no resource scope); reading only the allowed secrets and parameters. */
export function externalSecretsPolicy(access: ExternalSecretsAccess): aws.iam.PolicyDocument {
    const statements: aws.iam.PolicyStatement[] = [
        { Sid: "List", Effect: "Allow", Action: ["secretsmanager:ListSecrets", "secretsmanager:BatchGetSecretValue"], Resource: "*" },
    ];
    if (access.secretArns.length > 0) {
        statements.push({
            Sid: "ReadAllowedSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: access.secretArns,
        });
    }
    if (access.parameterArns.length > 0) {
        statements.push({
            Sid: "ReadAllowedParameters",
            Effect: "Allow",
            Action: ["ssm:GetParameter", "ssm:GetParametersByPath"],
            Resource: access.parameterArns,
        });
    }
    if (access.kmsKeyArns.length > 0) {
        statements.push({ Sid: "Decrypt", Effect: "Allow", Action: ["kms:Decrypt"], Resource: access.kmsKeyArns });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The webhook's port on Fargate: the chart's default 10250 is the kubelet's port, which Fargate
 * reserves (external-secrets chart 2.9.0 values.yaml `webhook.port: 10250`, passed as `--port`;
 * external-secrets/external-secrets#1981). Its Service still listens on 443.
 */
export const FARGATE_WEBHOOK_PORT = 9443;

export interface ExternalSecretsPlacement {
    /** Every pod on Fargate: the webhook moves off the reserved port. */
    readonly fargateOnly?: boolean;
    /** The IRSA annotation on a Fargate-only cluster. */
    readonly serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
}

/**
 * The webhook's and cert controller's resources, which the chart leaves empty (`webhook.resources`,
 * `certController.resources: {}`); requests as the chart's commented example (10m, 32Mi).
 */
export const SIDE_RESOURCES: ContainerResources = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } };

export function externalSecretsValues(
    replicas: number,
    resources: ContainerResources,
    overrides: Record<string, unknown>,
    placement: ExternalSecretsPlacement = {},
): Record<string, unknown> {
    const pdb = { enabled: replicas > 1, minAvailable: 1 };
    return mergeValues(
        {
            installCRDs: true,
            serviceAccount: serviceAccountValues(SERVICE_ACCOUNT, placement.serviceAccountAnnotations),
            replicaCount: replicas,
            resources,
            podDisruptionBudget: pdb,
            // The chart defaults to false (values.yaml `leaderElect`, read by the controller's and the
            // cert controller's Deployments, chart 2.9.0): with two replicas both would reconcile.
            leaderElect: true,
            webhook: {
                replicaCount: replicas,
                podDisruptionBudget: pdb,
                resources: SIDE_RESOURCES,
                ...(placement.fargateOnly ? { port: FARGATE_WEBHOOK_PORT } : {}),
            },
            certController: { replicaCount: replicas, podDisruptionBudget: pdb, resources: SIDE_RESOURCES },
        },
        overrides,
    );
}

/** The addon's settings, with what it may read. */
export type ExternalSecretsSettings = AddonSettings & ExternalSecretsAccess;

export function registerExternalSecrets(ctx: AddonContext, settings: ExternalSecretsSettings): k8s.helm.v3.Release {
    const namespace = addonNamespace(ctx, "external-secrets", NAMESPACE);
    const role = addonRole(ctx, "external-secrets", NAMESPACE, SERVICE_ACCOUNT, externalSecretsPolicy(settings));
    const values = externalSecretsValues(
        settings.replicas ?? defaultReplicas(ctx.stage),
        settings.resources ?? DEFAULT_RESOURCES,
        settings.values,
        {
            fargateOnly: ctx.fargateOnly,
            serviceAccountAnnotations: role.serviceAccountAnnotations,
        },
    );
    return helmRelease(ctx, "external-secrets", CHART, namespace.metadata.name, values, { dependsOn: role.waitFor });
}
