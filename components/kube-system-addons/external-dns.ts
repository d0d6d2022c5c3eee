/** external-dns: keeps Route 53 records in step with Services and Ingresses, in the allowed zones only. Off by default. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../../stacks/config";
import { AddonContext, addonNamespace, ChartPin, helmRelease, mergeValues, podIdentityRole } from "./addon";

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

/** Changes only in the configured zones; listing zones and records has no resource scope. */
export function externalDnsPolicy(hostedZoneIds: string[]): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ChangeAllowedZones",
                Effect: "Allow",
                Action: ["route53:ChangeResourceRecordSets", "route53:ListTagsForResource"],
                Resource: hostedZoneIds.map(hostedZoneArn),
            },
            {
                Sid: "List",
                Effect: "Allow",
                Action: ["route53:ListHostedZones", "route53:ListResourceRecordSets"],
                Resource: "*",
            },
        ],
    };
}

export interface ExternalDnsInput {
    clusterName: pulumi.Input<string>;
    region: string;
    domainFilters: string[];
    policy: "upsert-only" | "sync";
    resources: ContainerResources;
    overrides: Record<string, unknown>;
}

export function externalDnsValues(input: ExternalDnsInput): Record<string, unknown> {
    return mergeValues({
        provider: { name: "aws" },
        env: [{ name: "AWS_DEFAULT_REGION", value: input.region }],
        policy: input.policy,
        // TXT ownership records name this cluster, so two clusters never fight over a record.
        txtOwnerId: input.clusterName,
        domainFilters: input.domainFilters,
        sources: ["service", "ingress"],
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        resources: input.resources,
    }, input.overrides);
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
    const role = podIdentityRole(ctx, "external-dns", NAMESPACE, SERVICE_ACCOUNT, externalDnsPolicy(settings.hostedZoneIds));
    const values = externalDnsValues({
        clusterName: ctx.clusterName,
        region: ctx.region,
        domainFilters: settings.domainFilters,
        policy: settings.policy,
        resources: settings.resources ?? DEFAULT_RESOURCES,
        overrides: settings.values,
    });
    return helmRelease(ctx, "external-dns", CHART, namespace.metadata.name, values, { dependsOn: role });
}
