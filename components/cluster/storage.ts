/**
 * Where stateful pods put their volumes: an encrypted gp3 StorageClass served by the EBS CSI
 * driver, marked default; the legacy in-tree gp2 class (which EKS keeps creating, and marked
 * default on clusters created before 1.30) is unmarked, so two classes never both claim default.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** gp3 (EBS CSI docs/parameters.md): encrypted with the account's EBS key, bound where the pod lands. */
export function gp3StorageClass() {
    return {
        metadata: {
            name: "gp3",
            annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" },
            labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "eks-platform" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: { "type": "gp3", "encrypted": "true", "csi.storage.k8s.io/fstype": "ext4" },
        // A volume is created in the zone of the node the pod is scheduled to, not before.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
    };
}

export function createStorageClasses(name: string, provider: k8s.Provider, parent: pulumi.Resource, driver: pulumi.Resource): void {
    new k8s.storage.v1.StorageClass(`${name}-gp3`, gp3StorageClass(), { parent, provider, dependsOn: [driver] });
    // A server-side apply patch of the one field: deleting it hands the field back.
    new k8s.storage.v1.StorageClassPatch(
        `${name}-gp2-not-default`,
        {
            metadata: { name: "gp2", annotations: { [DEFAULT_CLASS_ANNOTATION]: "false" } },
        },
        { parent, provider },
    );
}
