/**
 * What a node boots with, per OS: pure functions of the node group's settings.
 *
 * EKS merges a managed node group's launch template user data with its own, which must then be
 * a MIME multi-part document for Amazon Linux (a nodeadm NodeConfig) and TOML for Bottlerocket
 * (EKS user guide, launch-templates: "Amazon EC2 user data in launch templates that are used with
 * managed node groups must be in the MIME multi-part archive format for Amazon Linux AMIs and TOML
 * format for Bottlerocket AMIs"). Self-managed nodes get everything they need to join.
 */
import { stringify as toToml } from "smol-toml";
import { stringify as toYaml } from "yaml";
import type { NodeGroupConfig } from "../../stacks/config";
import { MAX_PODS } from "../../stacks/instance-types";

export type Taint = NodeGroupConfig["taints"][number];
export type NodeOs = NodeGroupConfig["os"];
export type NodeArchitecture = NodeGroupConfig["architecture"];

/** The managed node group AMI type (EKS CreateNodegroup amiType; note the lower-case x86_64). */
export function amiType(os: NodeOs, architecture: NodeArchitecture): string {
    const arch = architecture === "arm64" ? "ARM_64" : "x86_64";
    return os === "bottlerocket" ? `BOTTLEROCKET_${arch}` : `AL2023_${arch}_STANDARD`;
}

/** The SSM parameter of the current EKS AMI for a minor, OS and architecture; EC2 resolves it at launch. */
export function amiParameter(os: NodeOs, architecture: NodeArchitecture, kubernetesVersion: string): string {
    return os === "bottlerocket"
        ? `resolve:ssm:/aws/service/bottlerocket/aws-k8s-${kubernetesVersion}/${architecture}/latest/image_id`
        : `resolve:ssm:/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${architecture}/standard/recommended/image_id`;
}

/** Volumes: AL2023 boots from one; Bottlerocket has a small OS volume and a data volume for images and pods. */
export function blockDevices(os: NodeOs, diskSizeGiB: number) {
    const gp3 = (volumeSize: number) => ({ volumeSize, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" });
    return os === "bottlerocket"
        ? [
              { deviceName: "/dev/xvda", ebs: gp3(4) },
              { deviceName: "/dev/xvdb", ebs: gp3(diskSizeGiB) },
          ]
        : [{ deviceName: "/dev/xvda", ebs: gp3(diskSizeGiB) }];
}

/** How a self-managed node finds its cluster. */
export interface ClusterJoin {
    clusterName: string;
    apiServerEndpoint: string;
    certificateAuthority: string;
    serviceCidr: string;
}

export interface NodeSettings {
    labels: Record<string, string>;
    taints: Taint[];
}

function mime(parts: { contentType: string; body: string }[]): string {
    const boundary = "NODEADM";
    return [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        "",
        ...parts.flatMap((part) => [`--${boundary}`, `Content-Type: ${part.contentType}`, "", part.body.trimEnd(), ""]),
        `--${boundary}--`,
        "",
    ].join("\n");
}

function nodeConfig(spec: Record<string, unknown>): string {
    return `---\n${toYaml({ apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec })}`;
}

/**
 * Amazon Linux 2023 (nodeadm, https://awslabs.github.io/amazon-eks-ami/nodeadm/): the kubelet's
 * max pods with prefix delegation (nodeadm's own default counts secondary IPs); for a
 * self-managed node also the cluster, labels and taints.
 */
export function nodeadmUserData(join?: ClusterJoin, settings?: NodeSettings): string {
    const flags: string[] = [];
    if (settings && Object.keys(settings.labels).length > 0) {
        flags.push(
            `--node-labels=${Object.entries(settings.labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(",")}`,
        );
    }
    if (settings && settings.taints.length > 0) {
        flags.push(`--register-with-taints=${settings.taints.map((t) => `${t.key}=${t.value ?? ""}:${t.effect}`).join(",")}`);
    }
    const cluster = join && {
        name: join.clusterName,
        apiServerEndpoint: join.apiServerEndpoint,
        certificateAuthority: join.certificateAuthority,
        cidr: join.serviceCidr,
    };
    return mime([
        {
            contentType: "application/node.eks.aws",
            body: nodeConfig({
                ...(cluster ? { cluster } : {}),
                kubelet: { config: { maxPods: MAX_PODS }, ...(flags.length > 0 ? { flags } : {}) },
            }),
        },
    ]);
}

/**
 * Bottlerocket settings (TOML, https://bottlerocket.dev/en/os/latest/api/settings/kubernetes/): max
 * pods; for a self-managed node also the cluster, labels and taints. The cluster DNS IP is derived
 * from the service CIDR by Bottlerocket itself.
 */
export function bottlerocketUserData(join?: ClusterJoin, settings?: NodeSettings): string {
    const taints: Record<string, string[]> = {};
    for (const taint of settings?.taints ?? []) {
        taints[taint.key] = [...(taints[taint.key] ?? []), `${taint.value ?? ""}:${taint.effect}`];
    }
    const kubernetes: Record<string, unknown> = {
        ...(join
            ? { "api-server": join.apiServerEndpoint, "cluster-certificate": join.certificateAuthority, "cluster-name": join.clusterName }
            : {}),
        "max-pods": MAX_PODS,
        ...(settings && Object.keys(settings.labels).length > 0 ? { "node-labels": settings.labels } : {}),
        ...(Object.keys(taints).length > 0 ? { "node-taints": taints } : {}),
    };
    return toToml({ settings: { kubernetes } });
}

/** A managed group's launch template user data: EKS joins the node and applies labels and taints itself. */
export function managedUserData(os: NodeOs): string {
    return os === "bottlerocket" ? bottlerocketUserData() : nodeadmUserData();
}

/** A self-managed node's user data: everything it needs to join. */
export function selfManagedUserData(os: NodeOs, join: ClusterJoin, settings: NodeSettings): string {
    return os === "bottlerocket" ? bottlerocketUserData(join, settings) : nodeadmUserData(join, settings);
}
