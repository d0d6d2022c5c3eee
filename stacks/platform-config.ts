/**
 * The validated configuration of one stack, as the program reads it: every default decided,
 * secrets as Outputs. stacks/config.ts builds it from the stack file.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { AddonsConfig } from "./schema/addons";
import type { appSchema } from "./schema/apps";
import type { CiConfig } from "./schema/ci";
import type { clusterSchema } from "./schema/cluster";
import type { DatadogThresholds } from "./schema/datadog-monitors";
import type { loadBalancerSchema } from "./schema/load-balancer";
import type { MonitoringInput } from "./schema/monitoring";
import type { networkSchema } from "./schema/network";
import type { Slo } from "./schema/slo";
import type { Slot } from "./schema/slots";
import type { Stage } from "./schema/stage";

export type NetworkConfig = z.output<typeof networkSchema>;
export type ClusterConfig = Omit<z.output<typeof clusterSchema>, "logRetentionDays"> & {
    name: string;
    logRetentionDays: number;
    /** The autoscaler the cluster runs, decided: none on a Fargate-only cluster. */
    autoscaler?: "karpenter" | "cluster-autoscaler";
};
export type NodeGroupConfig = ClusterConfig["nodeGroups"][string];
export type NodePoolConfig = ClusterConfig["nodePools"][string];
/** The ALB, with the stage's defaults for access logs and deletion protection decided. */
export type LoadBalancerConfig = z.output<typeof loadBalancerSchema> & {
    readonly accessLogs: boolean;
    readonly deletionProtection: boolean;
};

/**
 * One cluster of the stack: `eks-platform:cluster` (slot blue, serving everything) or a slot of
 * `eks-platform:clusters` with its share of traffic.
 */
export interface ClusterSlotConfig {
    readonly slot: Slot;
    /** Percent of each app's requests this slot's target group receives. */
    readonly weight: number;
    readonly cluster: ClusterConfig;
    /** Every addon with `enabled` decided for this slot's cluster. */
    readonly addons: AddonsConfig;
}

export interface AppConfig extends Omit<z.output<typeof appSchema>, "namespace" | "slo"> {
    readonly name: string;
    readonly namespace: string;
    /** The availability objective, with the stage's default decided. */
    readonly slo: Slo;
    /** The database password, from the secret config key named by `dbPasswordKey`; none without rds. */
    readonly dbPassword?: pulumi.Output<string>;
    /** The secret variables, by name, from the keys named by `secretEnvKey`. */
    readonly secretEnvValues: Readonly<Record<string, pulumi.Output<string>>>;
}

/** The validated configuration of one stack. */
export interface PlatformConfig {
    readonly stack: string;
    readonly stage: Stage;
    readonly region: string;
    readonly network: NetworkConfig;
    /** The stack's clusters, blue first: one, or two during a blue/green change. */
    readonly slots: readonly ClusterSlotConfig[];
    readonly apps: Record<string, AppConfig>;
    readonly loadBalancer: LoadBalancerConfig;
    /** The CI identities and runners of this stack. */
    readonly ci: CiConfig;
    readonly monitoring: Omit<MonitoringInput, "datadog"> & {
        /** The Datadog monitors' thresholds and windows, with the stage's defaults decided. */
        readonly datadog: DatadogThresholds;
        /** The incoming webhook for Lambda delivery (`eks-platform:slackWebhookUrl`), a secret. */
        readonly slackWebhookUrl?: pulumi.Output<string>;
    };
    /** Datadog, when the agent is on (`addons.datadog.enabled`); its monitors and dashboards with it. */
    readonly datadog?: {
        /** The Datadog site, e.g. datadoghq.eu. */
        readonly site: string;
        /** The Datadog API key (`datadog:apiKey`), for the agent and the provider. */
        readonly apiKey: pulumi.Output<string>;
        /** The Datadog application key (`datadog:appKey`), for the provider. */
        readonly appKey: pulumi.Output<string>;
    };
    /** Tags every AWS resource carries. */
    readonly tags: Record<string, string>;
}
