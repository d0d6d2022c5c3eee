/** Suggestions for a mistyped value. */
import { closest, distance } from "fastest-levenshtein";

/** The closest candidate when it is plausibly a typo of `value`: " (did you mean x?)", or "". */
export function didYouMean(value: string, candidates: readonly string[]): string {
    if (candidates.length === 0) {
        return "";
    }
    const best = closest(value, [...candidates]);
    return distance(value.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 4)) ? ` (did you mean ${best}?)` : "";
}
