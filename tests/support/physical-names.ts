/** The names a render gives things in the AWS account and the Datadog organisation. */
import { ProgramRun } from "../../offline/program-run";

/** Inputs that name something in the cloud account (AWS) or the Datadog organisation. */
const PHYSICAL_KEYS = ["name", "namePrefix", "configurationName", "nodeGroupNamePrefix", "functionName"];

/** Each physical name with the resource input that gives it, in render order (a name may repeat). */
export function physicalNameEntries(run: ProgramRun): [string, string][] {
    const names: [string, string][] = [];
    for (const r of run.resources.filter((x) => /^(aws|awsx|eks|datadog):/.test(x.type))) {
        for (const key of PHYSICAL_KEYS) {
            const value = r.inputs[key];
            if (typeof value === "string") {
                names.push([value, `${r.type} ${r.name}.${key}`]);
            }
        }
        if (r.type === "datadog:index/dashboardJson:DashboardJson") {
            names.push([JSON.parse(r.inputs.dashboard as string).title, `${r.type} ${r.name}.title`]);
        }
    }
    return names;
}

export function physicalNames(run: ProgramRun): Map<string, string> {
    return new Map(physicalNameEntries(run));
}
