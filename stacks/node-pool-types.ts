/**
 * Which EC2 instance types a NodePool's requirements admit, computed the way Karpenter filters
 * them (the requirements nodePoolSpec writes: architecture, category, generation, Nitro,
 * family, size), over every instance type the EC2 API knows. A pool that admits none launches
 * nothing; config refuses it before anything is created.
 */
import { instanceArchitecture, instanceVcpus, KNOWN_INSTANCE_TYPE_NAMES, nitroBased, parseInstanceType } from "./instance-types";

/** Sizes too small for 110 pods with prefix delegation, left out unless a pool names its sizes. */
export const EXCLUDED_SIZES = ["nano", "micro", "small", "medium"];

/** What a pool requires of an instance type (the NodePool config's fields). */
export interface PoolRequirements {
    readonly architectures: readonly ("amd64" | "arm64")[];
    readonly instanceCategories: readonly string[];
    readonly minGeneration: number;
    readonly instanceFamilies?: readonly string[];
    readonly instanceSizes?: readonly string[];
}

/** Kubernetes' name of an EC2 architecture. */
export function kubernetesArch(instanceType: string): "amd64" | "arm64" | undefined {
    const architecture = instanceArchitecture(instanceType);
    return architecture === undefined ? undefined : architecture === "x86_64" ? "amd64" : "arm64";
}

export function admitted(pool: PoolRequirements, instanceType: string): boolean {
    const parts = parseInstanceType(instanceType);
    if (!parts || !nitroBased(instanceType)) {
        return false;
    }
    const arch = kubernetesArch(instanceType);
    return (
        arch !== undefined &&
        pool.architectures.includes(arch) &&
        pool.instanceCategories.includes(parts.category) &&
        parts.generation >= pool.minGeneration &&
        (pool.instanceFamilies === undefined || pool.instanceFamilies.includes(parts.family)) &&
        (pool.instanceSizes === undefined ? !EXCLUDED_SIZES.includes(parts.size) : pool.instanceSizes.includes(parts.size))
    );
}

/** The known instance types a pool admits. */
export function admittedInstanceTypes(pool: PoolRequirements): string[] {
    return KNOWN_INSTANCE_TYPE_NAMES.filter((type) => admitted(pool, type));
}

/** The fewest vCPUs among the admitted types (undefined when none has a known count). */
export function smallestVcpus(types: readonly string[]): number | undefined {
    const counts = types.map(instanceVcpus).filter((n): n is number => n !== undefined);
    return counts.length > 0 ? Math.min(...counts) : undefined;
}
