/** The CloudWatch alarms of a run, by the component that made them. */
import { ProgramRun, RenderedResource, resourcesOfType } from "../../offline/program-run";

export const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm";

/** The static ALB alarms (AlbAlarms), not the burn-rate window alarms. */
export function albAlarmsOf(run: ProgramRun): RenderedResource[] {
    return resourcesOfType(run, METRIC_ALARM).filter((a) => a.name.startsWith("alb-alarms-"));
}

/** The burn-rate window alarms (SloAlarms). */
export function sloWindowAlarmsOf(run: ProgramRun): RenderedResource[] {
    return resourcesOfType(run, METRIC_ALARM).filter((a) => a.name.startsWith("slo-alarms-"));
}
