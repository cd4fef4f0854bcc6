import { AssignerProtocol, PartitionAssigners, type Assigner, type Cluster, type PartitionAssigner } from 'kafkajs';
import { coPartitionedAssignment, type GroupSubscription } from './co-partitioned-assignment';

/** The protocol name members announce; a group uses it only when every member offers it. */
export const CO_PARTITIONED_PROTOCOL = 'StreamCoPartitioned';

/**
 * The consumer's partition assigner (kafkajs' PartitionAssigner) that gives partition number p of
 * every subscribed topic to the same member (coPartitionedAssignment). One per consumer: it also
 * remembers the topics the consumer subscribed to at its last join and reads their partition
 * counts from the client's metadata, which the reader needs to tell whether its topics can be
 * co-located.
 */
export class CoPartitionedAssigner {
  private cluster: Cluster | undefined;
  private subscribed: string[] = [];

  /** The factory to list in the consumer's partitionAssigners, ahead of the round-robin one. */
  readonly create: PartitionAssigner = ({ cluster }) => {
    this.cluster = cluster;
    const assigner: Assigner = {
      name: CO_PARTITIONED_PROTOCOL,
      version: 0,
      assign: async ({ members, topics }) => {
        const partitions = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId)]));
        const subscriptions: GroupSubscription[] = members.map((m) => ({ memberId: m.memberId, topics: subscribedTopics(m.memberMetadata) }));
        return [...coPartitionedAssignment(subscriptions, partitions)].map(([memberId, assignment]) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: assigner.version, assignment, userData: Buffer.alloc(0) }),
        }));
      },
      protocol: ({ topics }) => {
        this.subscribed = [...topics];
        return {
          name: CO_PARTITIONED_PROTOCOL,
          metadata: AssignerProtocol.MemberMetadata.encode({ version: assigner.version, topics, userData: Buffer.alloc(0) }),
        };
      },
    };
    return assigner;
  };

  /**
   * The consumer's assigners in order of preference: this one, then kafkajs' round robin, which
   * a group takes while one of its members does not offer this one (an older release).
   */
  withFallback(): PartitionAssigner[] {
    return [this.create, PartitionAssigners.roundRobin];
  }

  /**
   * Partition count of each topic the consumer subscribed to at its last join, as the client's
   * metadata says (a topic it has no metadata of is left out).
   */
  partitionCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.subscribed) {
      try {
        const n = this.cluster?.findTopicPartitionMetadata(t).length ?? 0;
        if (n > 0) out[t] = n;
      } catch {
        // Metadata not loaded: the count is unknown.
      }
    }
    return out;
  }
}

/** The topics a member's join metadata lists; undefined when the metadata cannot be read. */
function subscribedTopics(metadata: Buffer): string[] | undefined {
  try {
    const m = AssignerProtocol.MemberMetadata.decode(metadata);
    return m && Array.isArray(m.topics) ? m.topics.filter((t): t is string => typeof t === 'string') : undefined;
  } catch {
    return undefined;
  }
}
