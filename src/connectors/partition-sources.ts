/**
 * How stateful nodes find the Kafka reader their events came from, with nothing wired: every
 * message of a stream-kafka-in node names the node in `msg.kafka.source`, and the node registers
 * itself here under its id. A window node that sees such a message looks the reader up and joins
 * it as an owner of partition state: the reader then commits a partition's offsets only as far
 * as every owner's state is in its changelog, and tells the owners when partitions move.
 */

/** One partition of one topic. */
export interface PartitionRef {
  topic: string;
  partition: number;
}

/** A key-value log kept in Kafka: the latest value per key survives (a compacted topic). */
export interface Changelog {
  /** The topic's name, for messages. */
  readonly topic: string;
  /** Writes records; resolves once the broker has them (all in-sync replicas). */
  write(records: { key: string; value: string }[]): Promise<void>;
  /** Reads the log to its current end; the latest value per key. */
  read(): Promise<Map<string, string>>;
}

/** A stateful node fed by a Kafka reader, as the reader sees it. */
export interface PartitionStateOwner {
  /**
   * The first offset of the partition whose effect on the node's state is not yet in the
   * changelog; undefined when everything the node took from the partition is.
   */
  hold(topic: string, partition: number): number | undefined;
  /**
   * Takes a snapshot of the partitions that changed since the last checkpoint, now, and returns
   * what writes it (resolves when written, or failed with the holds kept); undefined when
   * nothing changed. The reader calls the writer once the results sent before the snapshot
   * have been handled downstream, with false when it gives the checkpoint up (nothing written,
   * holds kept).
   */
  snapshot(): ((write: boolean) => Promise<void>) | undefined;
  /** The partitions are read elsewhere now: forget their keys. */
  revoked(parts: readonly PartitionRef[]): void;
}

/** What a Kafka reader offers the stateful nodes downstream of it. */
export interface PartitionSource {
  /** The reader node's id (msg.kafka.source). */
  readonly id: string;
  /** Whether the reader owns the partition now (records of a revoked partition may still be on their way). */
  owns(topic: string, partition: number): boolean;
  /** The partitions the reader owns now. */
  assigned(): PartitionRef[];
  /**
   * Partition count of each topic the reader subscribes to, as the client's metadata said at the
   * last assignment (a topic whose count is unknown is absent).
   */
  partitionCounts(): ReadonlyMap<string, number>;
  /** The end of the partition's log when the reader last fetched from it, if known. */
  endOf(topic: string, partition: number): number | undefined;
  /**
   * Whether the reader has records of the partition the flow has not handled (fetched and
   * waiting, in flight, or behind the log end it last saw): the partition is waiting its turn,
   * so it must not be taken for idle.
   */
  pending(topic: string, partition: number): boolean;
  /**
   * Resolves true once the flow has handled every record in flight now (of the partitions still
   * owned), so the results sent before now have arrived; false when that is given up (the reader
   * stops, or the flow takes too long).
   */
  aligned(): Promise<boolean>;
  attach(owner: PartitionStateOwner): void;
  detach(owner: PartitionStateOwner): void;
  /** A node closing writes its last state: a later instance of it restores only after `written`. */
  retiring(nodeId: string, written: Promise<void>): void;
  /** Resolves when the node's closing instances have written their last state. */
  retired(nodeId: string): Promise<void>;
  /** The changelog of one node's state (one per consumer group and node). */
  changelog(nodeId: string): Changelog;
}

/** The Kafka readers of this runtime by node id. */
export class PartitionSources {
  private readonly sources = new Map<string, PartitionSource>();
  /**
   * Moves on whenever a reader comes or goes: a node that found a reader under an id may keep
   * it without looking it up again for as long as this stays the same.
   */
  generation = 0;

  /** Makes a reader findable under its node id. */
  register(source: PartitionSource): void {
    this.sources.set(source.id, source);
    this.generation++;
  }

  /** Removes a reader (when it closes), unless another one took the id since. */
  unregister(source: PartitionSource): void {
    if (this.sources.get(source.id) === source) {
      this.sources.delete(source.id);
      this.generation++;
    }
  }

  /** The reader with this node id, if it keeps partition state. */
  get(id: string): PartitionSource | undefined {
    return this.sources.get(id);
  }
}

/** The runtime's registry: one per process, shared by the modules of every node type. */
export const partitionSources = new PartitionSources();

/** Changelog record key of a partition. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/**
 * Changelog record key of partition number `partition` of every topic a reader of several topics
 * reads, kept as one unit (co-partitioned topics). `*` is no character of a topic name, so it
 * never meets a key of partitionKey().
 */
export function partitionUnitKey(partition: number): string {
  return `*:${partition}`;
}
