/** What every script's command line shares: `--help` and `-h`. */

/** Whether the arguments ask for help. */
export function wantsHelp(args: readonly string[]): boolean {
    return args.includes("--help") || args.includes("-h");
}

/** Prints `usage` and returns true when the arguments ask for help, so a script can stop. */
export function handledHelp(args: readonly string[], usage: string): boolean {
    if (wantsHelp(args)) {
        console.log(usage);
        return true;
    }
    return false;
}
