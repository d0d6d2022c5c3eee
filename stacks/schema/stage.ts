/** The project and its stages. */

export const PROJECT = "eks-platform";

export const STAGES = ["dev", "stg", "prd"] as const;
export type Stage = (typeof STAGES)[number];

/** Minimum availability zones per stage: prd survives the loss of a zone with quorum to spare. */
export const MIN_AVAILABILITY_ZONES: Record<Stage, number> = { dev: 2, stg: 2, prd: 3 };
