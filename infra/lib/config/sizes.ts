/**
 * Size presets: one name picks every capacity knob at once, and the cost script prices the same
 * presets, so the estimate can never drift from what the stacks deploy.
 */
export type SizeName = 'small' | 'medium' | 'large';

export interface SizePreset {
  /** EC2 instance type of the app fleet (Graviton: cheaper per request, Node.js runs natively on arm64). */
  readonly instanceType: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Instances running at a normal hour; the cost estimate prices this many. */
  readonly typicalCapacity: number;
  readonly rootVolumeGiB: number;
  readonly dbInstanceClass: string;
  readonly dbAllocatedStorageGiB: number;
  readonly dbMaxAllocatedStorageGiB: number;
  /** ElastiCache node type; two nodes always run (primary + replica in another AZ). */
  readonly redisNodeType: string;
  /** One NAT gateway is a single-AZ egress dependency; larger sizes put one in every AZ. */
  readonly natGatewaysPerAz: boolean;
  /** Target for the requests-per-target scaling policy, per instance per minute. */
  readonly requestsPerTargetPerMinute: number;
}

export const SIZES: Readonly<Record<SizeName, SizePreset>> = {
  small: {
    instanceType: 't4g.small',
    minCapacity: 2,
    maxCapacity: 4,
    typicalCapacity: 2,
    rootVolumeGiB: 20,
    dbInstanceClass: 't4g.small',
    dbAllocatedStorageGiB: 20,
    dbMaxAllocatedStorageGiB: 100,
    redisNodeType: 'cache.t4g.micro',
    natGatewaysPerAz: false,
    requestsPerTargetPerMinute: 1_500,
  },
  medium: {
    instanceType: 't4g.medium',
    minCapacity: 2,
    maxCapacity: 8,
    typicalCapacity: 3,
    rootVolumeGiB: 30,
    dbInstanceClass: 'm7g.large',
    dbAllocatedStorageGiB: 100,
    dbMaxAllocatedStorageGiB: 500,
    redisNodeType: 'cache.t4g.medium',
    natGatewaysPerAz: true,
    requestsPerTargetPerMinute: 3_000,
  },
  large: {
    instanceType: 'm7g.large',
    minCapacity: 3,
    maxCapacity: 20,
    typicalCapacity: 6,
    rootVolumeGiB: 30,
    dbInstanceClass: 'r7g.xlarge',
    dbAllocatedStorageGiB: 500,
    dbMaxAllocatedStorageGiB: 2_000,
    redisNodeType: 'cache.m7g.large',
    natGatewaysPerAz: true,
    requestsPerTargetPerMinute: 6_000,
  },
};

export function isSizeName(value: string): value is SizeName {
  return value === 'small' || value === 'medium' || value === 'large';
}
