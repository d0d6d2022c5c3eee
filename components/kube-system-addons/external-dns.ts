/** external-dns: keeps Route 53 records in step with Services and Ingresses, in the allowed zones only. Off by default. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../../stacks/config";
import { AddonContext, addonNamespace, ChartPin, helmRelease, IamSource, mergeValues, addonRole, serviceAccountValues } from "./addon";

/** https://github.com/kubernetes-sigs/external-dns/blob/external-dns-helm-chart-1.21.1/charts/external-dns/Chart.yaml */
export const CHART: ChartPin = { repository: "https://kubernetes-sigs.github.io/external-dns/", chart: "external-dns", version: "1.21.1" };
export const NAMESPACE = "external-dns";
export const SERVICE_ACCOUNT = "external-dns";

export const DEFAULT_RESOURCES: ContainerResources = {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { cpu: "200m", memory: "128Mi" },
};

export function hostedZoneArn(zoneId: string): string {
    return `arn:aws:route53:::hostedzone/${zoneId}`;
}

/**
 * The tutorial's policy at v0.21.0, which provider/aws/aws.go calls as written: records are
 * listed and changed, and zone tags read with ListTagsForResources (plural; the singular is never
 * called), in the configured zones only. Listing zones has no resource scope.
 */
export const IAM_SOURCE: IamSource = {
    repository: "kubernetes-sigs/external-dns",
    ref: "v0.21.0",
    files: ["docs/tutorials/aws.md", "provider/aws/aws.go"],
};

export function externalDnsPolicy(hostedZoneIds: string[]): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowedZones",
                Effect: "Allow",
                Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
                Resource: hostedZoneIds.map(hostedZoneArn),
            },
            {
                Sid: "ListZones",
                Effect: "Allow",
                Action: ["route53:ListHostedZones"],
                Resource: "*",
            },
        ],
    };
}

export interface ExternalDnsInput {
    clusterName: pulumi.Input<string>;
    region: string;
    hostedZoneIds: string[];
    domainFilters: string[];
    policy: "upsert-only" | "sync";
    resources: ContainerResources;
    /** The IRSA annotation on a Fargate-only cluster. */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    overrides: Record<string, unknown>;
}

export function externalDnsValues(input: ExternalDnsInput): Record<string, unknown> {
    return mergeValues(
        {
            provider: { name: "aws" },
            env: [{ name: "AWS_DEFAULT_REGION", value: input.region }],
            policy: input.policy,
            // TXT ownership records name this cluster, so two clusters never fight over a record.
            txtOwnerId: input.clusterName,
            domainFilters: input.domainFilters,
            // Only the zones it may read: another zone under a domain filter would fail with AccessDenied.
            extraArgs: input.hostedZoneIds.map((id) => `--zone-id-filter=${id}`),
            sources: ["service", "ingress"],
            serviceAccount: serviceAccountValues(SERVICE_ACCOUNT, input.serviceAccountAnnotations),
            resources: input.resources,
        },
        input.overrides,
    );
}

export interface ExternalDnsSettings {
    readonly resources?: ContainerResources;
    readonly values: Record<string, unknown>;
    readonly hostedZoneIds: string[];
    readonly domainFilters: string[];
    readonly policy: "upsert-only" | "sync";
}

/** One replica: external-dns has no leader election. */
export function registerExternalDns(ctx: AddonContext, settings: ExternalDnsSettings): k8s.helm.v3.Release {
    const namespace = addonNamespace(ctx, "external-dns", NAMESPACE);
    const role = addonRole(ctx, "external-dns", NAMESPACE, SERVICE_ACCOUNT, externalDnsPolicy(settings.hostedZoneIds));
    const values = externalDnsValues({
        clusterName: ctx.clusterName,
        region: ctx.region,
        hostedZoneIds: settings.hostedZoneIds,
        domainFilters: settings.domainFilters,
        policy: settings.policy,
        resources: settings.resources ?? DEFAULT_RESOURCES,
        serviceAccountAnnotations: role.serviceAccountAnnotations,
        overrides: settings.values,
    });
    return helmRelease(ctx, "external-dns", CHART, namespace.metadata.name, values, { dependsOn: role.waitFor });
}
