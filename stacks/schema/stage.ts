/** The project and its stages. */

export const PROJECT = "eks-platform";

export const STAGES = ["dev", "stg", "prd"] as const;
export type Stage = (typeof STAGES)[number];

/** Minimum availability zones per stage: prd survives the loss of a zone with quorum to spare. */
export const MIN_AVAILABILITY_ZONES: Record<Stage, number> = { dev: 2, stg: 2, prd: 3 };

/**
 * The values CloudWatch Logs accepts for a log group's retention (PutRetentionPolicy,
 * retentionInDays: "Possible values are: 1, 3, ... 3653", CloudWatch Logs API reference).
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** How long each stage keeps its control-plane logs (audit included) unless the stack says otherwise. */
export const CONTROL_PLANE_LOG_RETENTION_DAYS: Record<Stage, number> = { dev: 7, stg: 30, prd: 365 };

/** prd runs two replicas of each controller so a node drain never takes one away; others run one. */
export function defaultReplicas(stage: Stage): number {
    return stage === "prd" ? 2 : 1;
}
