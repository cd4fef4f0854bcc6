/** One member of a consumer group as the group leader sees it: its id and the topics it reads. */
export interface GroupSubscription {
  memberId: string;
  /** Undefined when the member's subscription could not be read: it takes any topic. */
  topics?: readonly string[];
}

/**
 * Assigns the partitions of a consumer group's topics so that partition number p of every topic
 * goes to the same member (Kafka Streams' co-partitioning): topics keyed alike with as many
 * partitions each hold a key in the same partition number, so one member gets all of the key's
 * records and its state is one unit. The partition numbers, in ascending order, go round the
 * members sorted by id, so each member gets as many numbers as any other, give or take one, and
 * the same group and topics always give the same assignment. A member that does not read a topic
 * gets none of its partitions: a topic's numbers go round the members that read it, so topics
 * read by the same members are co-partitioned among them.
 * Returns member id → topic → partitions (ascending), with every member present.
 */
export function coPartitionedAssignment(
  members: readonly GroupSubscription[],
  partitions: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const ids = [...new Set(members.map((m) => m.memberId))].sort();
  // A member listed twice reads what either entry says, any topic if one entry is unreadable.
  const reads = new Map<string, Set<string> | undefined>();
  for (const m of members) {
    const before = reads.get(m.memberId);
    if (m.topics === undefined || (before === undefined && reads.has(m.memberId))) reads.set(m.memberId, undefined);
    else reads.set(m.memberId, new Set([...(before ?? []), ...m.topics]));
  }
  const out = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
  if (!ids.length) return out;
  const readsTopic = (id: string, topic: string): boolean => {
    const t = reads.get(id);
    return t === undefined || t.has(topic);
  };
  const topics = [...partitions.keys()].sort();
  const numbers = [...new Set(topics.flatMap((t) => partitions.get(t)!))].sort((a, b) => a - b);
  const rank = new Map(numbers.map((p, i) => [p, i]));
  for (const topic of topics) {
    const readers = ids.filter((id) => readsTopic(id, topic));
    if (!readers.length) continue;
    for (const p of [...new Set(partitions.get(topic)!)].sort((a, b) => a - b)) {
      const member = readers[rank.get(p)! % readers.length];
      (out.get(member)![topic] ??= []).push(p);
    }
  }
  return out;
}
