/**
 * The sources (Kafka partitions) behind one stream watermark: once events name where they were
 * read, the stream's watermark follows the minimum of the sources' clocks (see
 * partitioned-watermark.ts) rather than the fastest source. The window operator (stream scope)
 * and the keyed operators (join, sequence) move their stream watermark through it.
 */
import { PartitionedWatermark, STALL, SourceBusy, SourcesJSON } from './partitioned-watermark';
import { Watermark } from './watermark';

/** How long a quiet source holds the stream watermark back when neither sourceIdleTimeout nor idleTimeout is set. */
export const SOURCE_IDLE_DEFAULT = 10000;

/**
 * The source (and group) of events that name none once others do: a second input of the node
 * not read from Kafka (MQTT, an inject) is one more source with a clock of its own, so it can
 * neither run the watermark past the partitions' backlog nor be declared late by them. No Kafka
 * partition is named this (topic names are never empty).
 */
export const UNNAMED_SOURCE = '';

/** A stream watermark's sources, made when the first event names one. */
export class StreamSources {
  private pw: PartitionedWatermark | undefined;

  /** `idleAfter`: processing time without input after which a source no longer holds the watermark back. */
  constructor(
    private readonly maxOutOfOrder: number,
    private readonly idleAfter: number,
    private readonly busy?: SourceBusy,
  ) {}

  /** Whether any event or expectSources() named a source yet. */
  get known(): boolean {
    return this.pw !== undefined;
  }

  /**
   * The source an event of `source` counts as: the one it names, UNNAMED_SOURCE when it names
   * none but others did, undefined while no event named one (the watermark then follows event
   * times alone).
   */
  sourceOf(source: string | undefined): string | undefined {
    return source ?? (this.known ? UNNAMED_SOURCE : undefined);
  }

  /** The sources' clocks, made on first use. */
  clocks(): PartitionedWatermark {
    return (this.pw ??= new PartitionedWatermark(this.maxOutOfOrder, this.idleAfter, STALL, this.busy));
  }

  /**
   * Moves `wm` by an event of `source` (of `group`) at event time `t`: to the sources' minimum. A
   * source's first event (it is new, or back after being read elsewhere) takes `wm` back to that
   * source's own clock first, since the other sources may have moved it past where this one
   * resumes. Returns true when `wm` moved forward.
   */
  observe(wm: Watermark, source: string, group: string, t: number, now: number): boolean {
    const pw = this.clocks();
    const floor = pw.observe(source, group, t, now);
    if (pw.firstOfSource) wm.holdBack(t - this.maxOutOfOrder);
    return wm.advanceTo(floor);
  }

  /** Declares the sources of `group` (see PartitionedWatermark.expect); returns true when the sources' minimum rose. */
  expect(group: string, ids: readonly string[], now: number): boolean {
    const pw = this.clocks();
    const before = pw.value;
    pw.expect(group, ids, now);
    return pw.value > before;
  }

  /** Forgets every source. */
  clear(): void {
    this.pw = undefined;
  }

  /** The sources' saved form, undefined when none is known. */
  toJSON(): SourcesJSON | undefined {
    return this.pw?.toJSON();
  }

  /** Replaces the sources with saved ones; throws SnapshotError, changing nothing, when they are not what toJSON wrote. */
  load(json: unknown): void {
    const pw = new PartitionedWatermark(this.maxOutOfOrder, this.idleAfter, STALL, this.busy);
    pw.load(json);
    this.pw = pw;
  }
}
