/**
 * JSON Schema of a TargetGroupBinding (elbv2.k8s.aws/v1beta1), transcribed from the CRD published
 * with the AWS Load Balancer Controller at CONTROLLER_VERSION
 * (helm/aws-load-balancer-controller/crds/crds.yaml). The CRD itself is fetched at deploy time and
 * cannot be read offline, so the transcription is pinned to the controller version and a spec
 * fails when the chart moves on without it. Unknown fields are rejected here, where the API
 * server would silently prune them.
 */

export const CONTROLLER_VERSION = "v3.5.0";

const intOrString = { anyOf: [{ type: "integer" }, { type: "string" }] };

const object = (properties: Record<string, unknown>, required: string[] = []) => ({
    type: "object",
    properties,
    required,
    additionalProperties: false,
});

const labelSelector = object({
    matchLabels: { type: "object", additionalProperties: { type: "string" } },
    matchExpressions: {
        type: "array",
        items: object({ key: { type: "string" }, operator: { type: "string" }, values: { type: "array", items: { type: "string" } } }, [
            "key",
            "operator",
        ]),
    },
});

const networkingPeer = object({
    ipBlock: object({ cidr: { type: "string" } }, ["cidr"]),
    securityGroup: object({ groupID: { type: "string" } }, ["groupID"]),
});

const spec = object(
    {
        serviceRef: object({ name: { type: "string" }, port: intOrString }, ["name", "port"]),
        targetGroupARN: { type: "string" },
        targetGroupName: { type: "string" },
        targetGroupProtocol: { type: "string", enum: ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC"] },
        targetType: { type: "string", enum: ["instance", "ip"] },
        ipAddressType: { type: "string", enum: ["ipv4", "ipv6"] },
        vpcID: { type: "string" },
        assumeRoleExternalId: { type: "string" },
        iamRoleArnToAssume: { type: "string" },
        multiClusterTargetGroup: { type: "boolean" },
        nodeSelector: labelSelector,
        networking: object({
            ingress: {
                type: "array",
                items: object(
                    {
                        from: { type: "array", items: networkingPeer },
                        ports: { type: "array", items: object({ protocol: { type: "string", enum: ["TCP", "UDP"] }, port: intOrString }) },
                    },
                    ["from", "ports"],
                ),
            },
        }),
    },
    ["serviceRef"],
);

export const TARGET_GROUP_BINDING_SCHEMA = {
    type: "object",
    required: ["apiVersion", "kind", "metadata", "spec"],
    properties: {
        apiVersion: { const: "elbv2.k8s.aws/v1beta1" },
        kind: { const: "TargetGroupBinding" },
        metadata: { type: "object", required: ["name"] },
        spec,
    },
};
