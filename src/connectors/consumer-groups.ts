/**
 * The consumer groups the stream-kafka-in nodes of this runtime use. The client's assignors
 * share out every partition of every topic any member subscribed to among all members, whatever
 * each member subscribed to itself: two nodes in one group with different topics would receive
 * each other's records. Nodes register here so the later one can warn at deploy.
 */
export class ConsumerGroups {
  private readonly groups = new Map<string, Map<string, string>>();

  /** Adds a node to a group (key: cluster + group id); returns the other members whose topics differ, with their topics. */
  join(key: string, nodeId: string, topics: string): { nodeId: string; topics: string }[] {
    let members = this.groups.get(key);
    if (!members) this.groups.set(key, (members = new Map()));
    members.set(nodeId, topics);
    return [...members].filter(([id, t]) => id !== nodeId && t !== topics).map(([id, t]) => ({ nodeId: id, topics: t }));
  }

  /** Removes a node from a group. */
  leave(key: string, nodeId: string): void {
    const members = this.groups.get(key);
    if (!members) return;
    members.delete(nodeId);
    if (!members.size) this.groups.delete(key);
  }
}
