/**
 * Validates rendered Kubernetes objects against the Kubernetes OpenAPI schema (kubernetes-models)
 * and the platform's CRDs against their schemas, reporting the object and the path of each problem.
 */
import Ajv from "ajv";
import { celProblems, EC2_NODE_CLASS_SCHEMA, NODE_POOL_SCHEMA } from "./karpenter-schemas";
import { TARGET_GROUP_BINDING_SCHEMA } from "./target-group-binding-schema";

/**
 * The newest Kubernetes version whose OpenAPI schema kubernetes-models 5.1.0 carries: its
 * generator merges the specs of older releases (for removed APIs) with v1.36.0
 * (tommy351/kubernetes-models-ts first-party/kubernetes-models/scripts/generate.ts at the
 * 5.1.0 release commit de73274).
 */
export const SCHEMA_KUBERNETES_VERSION = "1.36";

/** Built-in API versions removed from Kubernetes, by the minor that removed them. */
export const REMOVED_API_VERSIONS: Record<string, string> = {
    "extensions/v1beta1": "1.22",
    "apps/v1beta1": "1.16",
    "apps/v1beta2": "1.16",
    "networking.k8s.io/v1beta1": "1.22",
    "policy/v1beta1": "1.25",
    "batch/v1beta1": "1.25",
    "autoscaling/v2beta1": "1.25",
    "autoscaling/v2beta2": "1.26",
    "storage.k8s.io/v1beta1": "1.27",
    "flowcontrol.apiserver.k8s.io/v1beta2": "1.29",
    "flowcontrol.apiserver.k8s.io/v1beta3": "1.32",
};

export interface SchemaProblem {
    /** `kind namespace/name` of the object. */
    readonly object: string;
    /** JSON pointer into the object, e.g. /spec/template/spec/containers/0/ports/0/containerPort. */
    readonly path: string;
    readonly message: string;
}

const CUSTOM_SCHEMAS: Record<string, object> = {
    "elbv2.k8s.aws/v1beta1/TargetGroupBinding": TARGET_GROUP_BINDING_SCHEMA,
    "karpenter.sh/v1/NodePool": NODE_POOL_SCHEMA,
    "karpenter.k8s.aws/v1/EC2NodeClass": EC2_NODE_CLASS_SCHEMA,
};
const ajv = new Ajv({ allErrors: true, strict: false });
const customValidators = Object.fromEntries(Object.entries(CUSTOM_SCHEMAS).map(([key, schema]) => [key, ajv.compile(schema)]));

function minorOf(version: string): number {
    return Number(version.split(".")[1]);
}

function describe(object: Record<string, any>): string {
    const namespace = object.metadata?.namespace ? `${object.metadata.namespace}/` : "";
    return `${object.kind} ${namespace}${object.metadata?.name ?? "(unnamed)"}`;
}

type Model = new (data: unknown) => { validate(): void };

/** The library's model of a built-in kind; undefined when it has none. The library is ESM only: imported, not required. */
async function builtInModel(apiVersion: string, kind: string): Promise<Model | undefined> {
    try {
        return (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
    } catch {
        return undefined;
    }
}

/** Problems of one object for a cluster at `kubernetesVersion`; empty when it is valid. */
export async function validateKubernetesObject(object: Record<string, any>, kubernetesVersion: string): Promise<SchemaProblem[]> {
    const where = describe(object);
    const { apiVersion, kind } = object;
    const custom = customValidators[`${apiVersion}/${kind}`];
    if (custom) {
        const schemaProblems = custom(object)
            ? []
            : (custom.errors ?? []).map((e) => ({ object: where, path: e.instancePath || "/", message: e.message ?? e.keyword }));
        return [...schemaProblems, ...celProblems(object).map((p) => ({ object: where, ...p }))];
    }
    const removedIn = REMOVED_API_VERSIONS[apiVersion];
    if (removedIn && minorOf(kubernetesVersion) >= minorOf(removedIn)) {
        return [
            {
                object: where,
                path: "/apiVersion",
                message: `${apiVersion} was removed in Kubernetes ${removedIn} (cluster: ${kubernetesVersion})`,
            },
        ];
    }
    const Model = await builtInModel(apiVersion, kind);
    if (!Model) {
        return [
            {
                object: where,
                path: "/apiVersion",
                message: `no schema for ${apiVersion} ${kind} in Kubernetes ${SCHEMA_KUBERNETES_VERSION}`,
            },
        ];
    }
    try {
        new Model(object).validate();
        return [];
    } catch (error) {
        const errors = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
        return errors
            ? errors.map((e) => ({ object: where, path: e.instancePath || "/", message: e.message ?? "invalid" }))
            : [{ object: where, path: "/", message: (error as Error).message }];
    }
}

export function formatSchemaProblems(problems: readonly SchemaProblem[]): string {
    return problems.map((p) => `  - ${p.object} ${p.path}: ${p.message}`).join("\n");
}
