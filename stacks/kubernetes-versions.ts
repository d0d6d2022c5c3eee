/**
 * Everything that follows the cluster's Kubernetes minor, in one table: the only place to edit
 * on an upgrade. Config validation reads the support dates; the cluster reads the EKS-managed
 * add-on versions; the cluster-autoscaler reads its image.
 *
 * Sources, as of 2026-11-26:
 * - Support dates: the EKS release calendar (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html,
 *   awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc at 0e7fca37), in UTC:
 *   billing for extended support starts on the day standard support ends. 1.36 has no row in
 *   that copy yet: its dates apply EKS's rule (14 months of standard support, then 12 of
 *   extended) to its EKS release of 2026-06-02 as published since.
 * - coredns, kube-proxy, vpc-cni: the latest builds EKS lists per minor on the add-on pages
 *   (managing-coredns, managing-kube-proxy, managing-vpc-cni), as of 2026-08-20.
 * - eks-pod-identity-agent, aws-ebs-csi-driver (no per-minor table in the docs): the builds
 *   `aws eks describe-addon-versions` lists for 1.33 to 1.36, as of 2026-10.
 * - cluster-autoscaler: the newest `cluster-autoscaler-1.NN.P` tag of kubernetes/autoscaler
 *   (tags of 2026-07-22, the newest as of 2026-08-22).
 * - al2023AmiRelease: the awslabs/amazon-eks-ami release Karpenter's nodes run (alias
 *   `al2023@<release>`). Karpenter v1.14.1 resolves it to the SSM parameter
 *   /aws/service/eks/optimized-ami/<minor>/amazon-linux-2023/<arch>/standard/amazon-eks-node-al2023-<arch>-standard-<minor>-<release>/image_id
 *   (pkg/providers/amifamily/al2023.go) and launches nothing when the release has no build for the
 *   minor ("failed to discover any AMIs for alias"). v20260714 is the newest release whose
 *   CHANGELOG.md entry lists builds, for 1.30 to 1.36. firstAl2023AmiRelease: the first release
 *   whose CHANGELOG.md lists the minor's AMIs (amazon-eks-ami CHANGELOG.md at v20260724).
 * Check a row with `aws eks describe-cluster-versions --cluster-versions 1.NN` and
 * `aws eks describe-addon-versions --kubernetes-version 1.NN --addon-name <addon>`. Renovate
 * proposes newer add-on builds and autoscaler patches (renovate.json): keep each value on a line
 * of its own, under its minor's key, so its custom managers find it.
 */

/** The EKS-managed add-ons the platform installs. */
export const EKS_MANAGED_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver"] as const;
export type EksManagedAddon = (typeof EKS_MANAGED_ADDONS)[number];

export interface SupportWindow {
    /** Last day of EKS standard support (UTC, YYYY-MM-DD); extended support is billed from the next day. */
    readonly endOfStandardSupport: string;
    /** Last day of extended support: EKS upgrades the cluster after it. */
    readonly endOfExtendedSupport: string;
}

export interface KubernetesMinor extends SupportWindow {
    /** Exact EKS add-on versions (`v<upstream>-eksbuild.<n>`), never "most recent". */
    readonly addons: Readonly<Record<EksManagedAddon, string>>;
    /** The cluster-autoscaler image: it must match the minor (its scheduler simulation is built against it). */
    readonly clusterAutoscalerImageTag: string;
    /** The EKS-optimized AL2023 AMI release (`vYYYYMMDD`) Karpenter's nodes run on this minor. */
    readonly al2023AmiRelease: string;
    /** The first AMI release that has builds for this minor: al2023AmiRelease may not be older. */
    readonly firstAl2023AmiRelease: string;
}

/** The minors the platform supports, oldest first. */
export const KUBERNETES_MINORS: Readonly<Record<string, KubernetesMinor>> = {
    "1.33": {
        endOfStandardSupport: "2026-07-29",
        endOfExtendedSupport: "2027-07-29",
        addons: {
            "vpc-cni": "v1.22.4-eksbuild.3",
            "kube-proxy": "v1.33.10-eksbuild.13",
            "coredns": "v1.12.4-eksbuild.18",
            "eks-pod-identity-agent": "v1.4.0-eksbuild.2",
            "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
        },
        clusterAutoscalerImageTag: "v1.33.6",
        al2023AmiRelease: "v20260714",
        firstAl2023AmiRelease: "v20250519",
    },
    "1.34": {
        endOfStandardSupport: "2026-12-02",
        endOfExtendedSupport: "2027-12-02",
        addons: {
            "vpc-cni": "v1.22.4-eksbuild.3",
            "kube-proxy": "v1.34.6-eksbuild.13",
            "coredns": "v1.13.2-eksbuild.11",
            "eks-pod-identity-agent": "v1.4.0-eksbuild.2",
            "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
        },
        clusterAutoscalerImageTag: "v1.34.5",
        al2023AmiRelease: "v20260714",
        firstAl2023AmiRelease: "v20250915",
    },
    "1.35": {
        endOfStandardSupport: "2027-03-27",
        endOfExtendedSupport: "2028-03-27",
        addons: {
            "vpc-cni": "v1.22.4-eksbuild.3",
            "kube-proxy": "v1.35.3-eksbuild.13",
            "coredns": "v1.14.3-eksbuild.3",
            "eks-pod-identity-agent": "v1.4.0-eksbuild.2",
            "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
        },
        clusterAutoscalerImageTag: "v1.35.2",
        al2023AmiRelease: "v20260714",
        firstAl2023AmiRelease: "v20260114",
    },
    "1.36": {
        endOfStandardSupport: "2027-08-02",
        endOfExtendedSupport: "2028-08-02",
        addons: {
            "vpc-cni": "v1.22.4-eksbuild.3",
            "kube-proxy": "v1.36.0-eksbuild.14",
            "coredns": "v1.14.3-eksbuild.3",
            "eks-pod-identity-agent": "v1.4.0-eksbuild.2",
            "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
        },
        clusterAutoscalerImageTag: "v1.36.1",
        al2023AmiRelease: "v20260714",
        firstAl2023AmiRelease: "v20260610",
    },
};

/** Minors no longer supported here, with their dates, so a refusal can say why. */
export const RETIRED_MINORS: Readonly<Record<string, SupportWindow>> = {
    "1.31": { endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    "1.32": { endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
};

export const SUPPORTED_KUBERNETES_VERSIONS = Object.keys(KUBERNETES_MINORS);

/** A supported minor's row; throws for anything else (config has refused it already). */
export function kubernetesMinor(version: string): KubernetesMinor {
    const minor = KUBERNETES_MINORS[version];
    if (!minor) {
        throw new Error(
            `Kubernetes ${version} has no row in stacks/kubernetes-versions.ts (supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}).`,
        );
    }
    return minor;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `today` (UTC) through `lastDay`, counting it: 1 on the last day, 0 the day after. */
function daysThrough(lastDay: string, today: Date): number {
    const end = Date.parse(`${lastDay}T00:00:00Z`) + DAY_MS;
    const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
    return Math.round((end - start) / DAY_MS);
}

/** Days of standard support left on `today`, its last day included; 0 or less once it has ended. */
export function daysOfStandardSupportLeft(window: SupportWindow, today: Date): number {
    return daysThrough(window.endOfStandardSupport, today);
}

/** Standard support has ended: from the day after its last day. */
export function pastStandardSupport(window: SupportWindow, today: Date): boolean {
    return daysThrough(window.endOfStandardSupport, today) <= 0;
}

/** Extended support has ended too. */
export function pastExtendedSupport(window: SupportWindow, today: Date): boolean {
    return daysThrough(window.endOfExtendedSupport, today) <= 0;
}

/** AMI releases whose row names one older than the minor's first release: it would launch no node. */
export function amiReleaseProblems(minors: Readonly<Record<string, KubernetesMinor>> = KUBERNETES_MINORS): string[] {
    return Object.entries(minors)
        .filter(([, minor]) => minor.al2023AmiRelease < minor.firstAl2023AmiRelease)
        .map(
            ([version, minor]) =>
                `${version}: al2023AmiRelease ${minor.al2023AmiRelease} predates ${minor.firstAl2023AmiRelease}, the first release with ${version} AMIs`,
        );
}

/** Days of standard support below which a stack is warned to upgrade. */
export const UPGRADE_WARNING_DAYS = 60;
