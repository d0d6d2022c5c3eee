/**
 * The zone letters each commercial region has, from AWS's "AWS Availability Zones" page
 * (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones, its AZ IDs per
 * region) and zone-name-to-ID maps of real accounts where that page lists IDs only.
 *
 * In the oldest regions (us-east-1, us-west-1, us-west-2, ap-northeast-1, ap-southeast-1,
 * ap-southeast-2, eu-west-1, sa-east-1) AWS maps zone letters to zones per account, so a letter
 * says which zones exist at most, not which one an account gets; us-west-1 accounts see two of
 * its three, and newer ap-northeast-1 accounts have no "b". ca-central-1 has no "c" (IDs az1, az2,
 * az4 = a, b, d). What a given account sees only it can tell: `aws ec2 describe-availability-zones`.
 * A region missing here (a new one) is not checked.
 */
export const ZONE_LETTERS: Readonly<Record<string, string>> = {
    "us-east-1": "abcdef",
    "us-east-2": "abc",
    "us-west-1": "abc",
    "us-west-2": "abcd",
    "af-south-1": "abc",
    "ap-east-1": "abc",
    "ap-east-2": "abc",
    "ap-south-1": "abc",
    "ap-south-2": "abc",
    "ap-southeast-1": "abc",
    "ap-southeast-2": "abc",
    "ap-southeast-3": "abc",
    "ap-southeast-4": "abc",
    "ap-southeast-5": "abc",
    "ap-southeast-6": "abc",
    "ap-southeast-7": "abc",
    "ap-northeast-1": "abcd",
    "ap-northeast-2": "abcd",
    "ap-northeast-3": "abc",
    "ca-central-1": "abd",
    "ca-west-1": "abc",
    "eu-central-1": "abc",
    "eu-central-2": "abc",
    "eu-west-1": "abc",
    "eu-west-2": "abcd",
    "eu-west-3": "abc",
    "eu-south-1": "abc",
    "eu-south-2": "abc",
    "eu-north-1": "abc",
    "il-central-1": "abc",
    "me-south-1": "abc",
    "me-central-1": "abc",
    "mx-central-1": "abc",
    "sa-east-1": "abc",
};

/** The zones of `region` named in `zones` that it does not have; [] for a region not in the table. */
export function unknownZones(region: string, zones: readonly string[]): string[] {
    const letters = ZONE_LETTERS[region];
    return letters === undefined
        ? []
        : zones.filter((zone) => zone.startsWith(`${region}`) && !letters.includes(zone.slice(region.length)));
}

/** The region's zone names, for a message. */
export function zoneNames(region: string): string[] {
    return [...(ZONE_LETTERS[region] ?? "")].map((letter) => `${region}${letter}`);
}
