/**
 * The project, its stages, and what each stage means: one profile per stage holds every rule
 * and default that differs between dev, stg and prd. A stack's name is free; its
 * `eks-platform:stage` picks the profile.
 */

export const PROJECT = "eks-platform";

export const STAGES = ["dev", "stg", "prd"] as const;
export type Stage = (typeof STAGES)[number];

export interface StageProfile {
    /** Fewest availability zones: prd survives the loss of a zone with quorum to spare. */
    readonly minAvailabilityZones: number;
    /** The VPC, the cluster and its secrets key are `protect`ed; the cluster has deletion protection. */
    readonly protect: boolean;
    /** Replicas of each controller by default: two, so a node drain never takes the only one. */
    readonly controllerReplicas: number;
    /** Replicas of an app without autoscaling by default. */
    readonly appReplicas: number;
    /** The fewest pods an app may run (a fixed count or the autoscaler's minimum). */
    readonly minAppReplicas: number;
    /** How an app's pods spread over zones: a hard rule, or a preference. */
    readonly zoneSpread: "DoNotSchedule" | "ScheduleAnyway";
    /** The ALB may serve HTTP only (no certificate). */
    readonly httpOnlyAllowed: boolean;
    /** ALB access logs and deletion protection: on by default, and refused off. */
    readonly loadBalancerSafeguards: boolean;
    /** Critical Datadog alerts notify the page handles, renotify, and carry this priority. */
    readonly pages: boolean;
    readonly monitorPriority: "1" | "3";
    readonly renotifyMinutes: number;
    /** The API endpoint may be public to 0.0.0.0/0. */
    readonly openEndpointAllowed: boolean;
    /** Days the control-plane logs are kept unless the stack says otherwise. */
    readonly controlPlaneLogRetentionDays: number;
}

export const STAGE_PROFILES: Readonly<Record<Stage, StageProfile>> = {
    dev: {
        minAvailabilityZones: 2, protect: false, controllerReplicas: 1, appReplicas: 2, minAppReplicas: 2, zoneSpread: "ScheduleAnyway",
        httpOnlyAllowed: true, loadBalancerSafeguards: false, pages: false, monitorPriority: "3", renotifyMinutes: 0,
        openEndpointAllowed: true, controlPlaneLogRetentionDays: 7,
    },
    stg: {
        minAvailabilityZones: 2, protect: false, controllerReplicas: 1, appReplicas: 2, minAppReplicas: 2, zoneSpread: "ScheduleAnyway",
        httpOnlyAllowed: false, loadBalancerSafeguards: false, pages: false, monitorPriority: "3", renotifyMinutes: 0,
        openEndpointAllowed: true, controlPlaneLogRetentionDays: 30,
    },
    prd: {
        minAvailabilityZones: 3, protect: true, controllerReplicas: 2, appReplicas: 2, minAppReplicas: 2, zoneSpread: "DoNotSchedule",
        httpOnlyAllowed: false, loadBalancerSafeguards: true, pages: true, monitorPriority: "1", renotifyMinutes: 60,
        openEndpointAllowed: false, controlPlaneLogRetentionDays: 365,
    },
};

export function stageProfile(stage: Stage): StageProfile {
    return STAGE_PROFILES[stage];
}

/** The stages whose profile has a property, for messages ("only prd pages"). */
export function stagesWhere(test: (profile: StageProfile) => boolean): Stage[] {
    return STAGES.filter((stage) => test(STAGE_PROFILES[stage]));
}


/**
 * The values CloudWatch Logs accepts for a log group's retention (PutRetentionPolicy,
 * retentionInDays: "Possible values are: 1, 3, ... 3653", CloudWatch Logs API reference).
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;


/** Replicas of each controller by default. */
export function defaultReplicas(stage: Stage): number {
    return STAGE_PROFILES[stage].controllerReplicas;
}
