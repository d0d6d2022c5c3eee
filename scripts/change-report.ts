/**
 * A change review for people: per stack, what is dangerous first, then what is replaced,
 * deleted, created and updated, each update with its changed inputs. As text for a terminal, and
 * as markdown for a pull-request comment.
 */
import { ChangeKind, dangerousChange, ResourceChange, StackChange } from "../offline/change-diff";
import { Change } from "../offline/flat";
import { SECRET_MASK } from "../offline/program-run";

const MARK: Record<ChangeKind, string> = { replace: "-/+", delete: "-", create: "+", update: "~" };
const LONGEST_VALUE = 160;

/** A value as shown: a secret never, long values shortened. */
function shown(value: string | undefined): string {
    if (value === undefined) {
        return "(unset)";
    }
    if (value.startsWith(`"${SECRET_MASK}`)) {
        return SECRET_MASK;
    }
    return value.length > LONGEST_VALUE ? `${value.slice(0, LONGEST_VALUE)}…` : value;
}

export function formatChange(change: Change): string {
    const secretChanged = change.a?.startsWith(`"${SECRET_MASK}`) && change.b?.startsWith(`"${SECRET_MASK}`);
    return `${change.path}: ${shown(change.a)} -> ${shown(change.b)}${secretChanged ? " (value changed)" : ""}`;
}

export function countsOf(diff: StackChange): Record<ChangeKind, number> {
    const counts: Record<ChangeKind, number> = { replace: 0, delete: 0, create: 0, update: 0 };
    diff.resources.forEach((r) => counts[r.kind]++);
    return counts;
}

export function summaryLine(diff: StackChange): string {
    const c = countsOf(diff);
    if (diff.resources.length === 0 && diff.config.length === 0) {
        return `${diff.stack}: no changes`;
    }
    const danger = diff.resources.filter(dangerousChange).length;
    return `${diff.stack}: ${danger > 0 ? `${danger} DANGEROUS, ` : ""}${c.replace} to replace, ${c.delete} to delete, ${c.create} to create, ${c.update} to update; ${diff.config.length} config values changed`;
}

function resourceLines(r: ResourceChange, indent: string): string[] {
    const danger = r.servingTraffic
        ? "  !! SERVING: deleted while it served traffic"
        : dangerousChange(r)
          ? `  !! PROTECTED: ${r.kind === "delete" ? "deleted" : "replaced"}`
          : r.protected
            ? "  (protected)"
            : "";
    return [
        `${indent}${MARK[r.kind].padEnd(3)} ${r.label}${danger}`,
        ...(r.previousUrn && r.kind === "update" ? [`${indent}      renamed with an alias from ${r.previousUrn}`] : []),
        ...r.reasons.map((reason) => `${indent}      ${r.kind === "delete" ? "dangerous because" : "replaced because"} ${reason}`),
        ...(r.kind === "update" || r.kind === "replace" ? r.changes.map((c) => `${indent}      ${formatChange(c)}`) : []),
    ];
}

export function formatStackChange(diff: StackChange, base: string): string {
    const lines = [`== ${summaryLine(diff)} (against ${base})`];
    if (diff.config.length > 0) {
        lines.push("  config:", ...diff.config.map((c) => `    ~ ${formatChange(c)}`));
    }
    for (const r of diff.resources) {
        lines.push(...resourceLines(r, "  "));
    }
    return lines.join("\n");
}

/** One pull-request comment for every stack: dangerous changes first, then the summary, then the details. */
export function markdownReport(diffs: readonly StackChange[], base: string, extra: (diff: StackChange) => string[] = () => []): string {
    const lines = [`### Offline review against \`${base.slice(0, 12)}\``, ""];
    const dangerous = diffs.flatMap((d) =>
        d.resources
            .filter(dangerousChange)
            .map((r) =>
                r.servingTraffic
                    ? `- **${d.stack}**: ${r.label} is deleted in the change that takes its traffic away`
                    : `- **${d.stack}**: ${r.label} is ${r.kind === "delete" ? "deleted" : "replaced"} and protected`,
            ),
    );
    if (dangerous.length > 0) {
        lines.push("> [!CAUTION]", "> Dangerous changes:", ...dangerous.map((d) => `> ${d}`), "");
    }
    lines.push("| stack | replace | delete | create | update | config |", "|---|---|---|---|---|---|");
    for (const d of diffs) {
        const c = countsOf(d);
        lines.push(`| ${d.stack} | ${c.replace} | ${c.delete} | ${c.create} | ${c.update} | ${d.config.length} |`);
    }
    for (const d of diffs) {
        lines.push(
            "",
            `<details><summary>${summaryLine(d)}</summary>`,
            "",
            ...extra(d),
            "```",
            formatStackChange(d, base),
            "```",
            "</details>",
        );
    }
    return lines.join("\n");
}
