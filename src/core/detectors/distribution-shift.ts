/**
 * How differently the recent values are spread compared with the long history: the relative
 * entropy (KL divergence) of the last `window` values' histogram over the history's quantile
 * bins, against the uniform spread those bins have by construction. Catches a change of shape
 * (a sensor that starts to oscillate, flattens or drifts within its usual range) that no single
 * value reveals.
 */
import { RollingQuantiles } from './rolling-quantiles';
import { lowerBound } from './lower-bound';
import { SnapshotError, snapArray, snapNumber, snapNumbers, snapObject, snapRange } from '../snapshot-check';

/** Streaming relative entropy of a short window against a long history's quantile bins. */
export class DistributionShift {
  private readonly edges: Float64Array;
  private readonly counts: Int32Array;
  private readonly recent: Float64Array;
  private readonly bins: Int32Array;
  private head = 0;
  private size = 0;
  private sinceEdges = Infinity;
  /** (c + ½)·ln(c + ½) for every count c a bin can hold, so no logarithm is taken per value. */
  private readonly xlogx: Float64Array;
  /** Σ over bins of xlogx[count]: the divergence follows from it in O(1). */
  private sum = 0;
  /** ln(binCount), and ln(total) for each fill of the window: no logarithm per value. */
  private readonly logBins: number;
  private readonly logTotal: Float64Array;

  /** `refresh`: the bin edges follow the history every this many values (they move slowly). */
  constructor(
    readonly window: number,
    readonly binCount: number,
    private readonly refresh = 10,
  ) {
    this.edges = new Float64Array(binCount - 1);
    this.counts = new Int32Array(binCount);
    this.recent = new Float64Array(window);
    this.bins = new Int32Array(window);
    this.xlogx = new Float64Array(window + 1);
    for (let c = 0; c <= window; c++) this.xlogx[c] = (c + 0.5) * Math.log(c + 0.5);
    this.logBins = Math.log(binCount);
    this.logTotal = new Float64Array(window + 1);
    for (let size = 0; size <= window; size++) this.logTotal[size] = Math.log(size + 0.5 * binCount);
  }

  /** Adds `value` to the recent window and returns the divergence from `history` (≥ 0, nats). */
  update(value: number, history: RollingQuantiles): number {
    if (this.sinceEdges >= this.refresh) {
      this.sinceEdges = 0;
      for (let b = 1; b < this.binCount; b++) this.edges[b - 1] = history.quantile(b / this.binCount);
      this.counts.fill(0);
      // Order does not matter for the counts: walk the buffer as stored. The edges move little,
      // so a value's bin is first looked for where it was.
      const e = this.edges;
      const last = e.length;
      for (let j = 0; j < this.size; j++) {
        const x = this.recent[j];
        const was = this.bins[j];
        const bin = (was === 0 || e[was - 1] < x) && (was === last || !(e[was] < x)) ? was : this.binOf(x);
        this.bins[j] = bin;
        this.counts[bin]++;
      }
      this.sum = 0;
      for (let b = 0; b < this.binCount; b++) this.sum += this.xlogx[this.counts[b]];
    }
    this.sinceEdges++;
    const bin = this.binOf(value);
    if (this.size === this.window) {
      const old = this.bins[this.head];
      this.sum -= this.xlogx[this.counts[old]];
      this.counts[old]--;
      this.sum += this.xlogx[this.counts[old]];
      this.recent[this.head] = value;
      this.bins[this.head] = bin;
      if (++this.head === this.window) this.head = 0;
    } else {
      // Until the window is full, head stays 0 and values fill it in order.
      const j = this.size;
      this.recent[j] = value;
      this.bins[j] = bin;
      this.size++;
    }
    this.sum -= this.xlogx[this.counts[bin]];
    this.counts[bin]++;
    this.sum += this.xlogx[this.counts[bin]];
    // With half a count added per bin (so empty bins stay finite), p_b = (c_b + ½) / total and
    // Σ p_b·ln(p_b·B) = sum / total − ln(total) + ln(B).
    const total = this.size + 0.5 * this.binCount;
    return Math.max(0, this.sum / total - this.logTotal[this.size] + this.logBins);
  }

  /** The window as plain data: its values in stored order, the bin edges and when they were set. */
  save(): { recent: number[]; head: number; edges: number[]; sinceEdges: number | null; sum: number } {
    return {
      recent: Array.from(this.recent.subarray(0, this.size)),
      head: this.head,
      edges: Array.from(this.edges),
      sinceEdges: Number.isFinite(this.sinceEdges) ? this.sinceEdges : null,
      sum: this.sum,
    };
  }

  /** Takes the state saved by save(); throws SnapshotError naming `what` when it is not one. */
  load(o: unknown, what: string): void {
    const x = snapObject(o, what);
    const recent = snapNumbers(x.recent, this.window, `${what} recent`);
    const edges = snapArray(snapNumbers(x.edges, this.edges.length, `${what} edges`), `${what} edges`, this.edges.length) as number[];
    for (let i = 1; i < edges.length; i++)
      if (!(edges[i - 1] <= edges[i]))
        throw SnapshotError.because('snapshotRange', { what: `${what} edge ${i}`, min: edges[i - 1], max: Infinity, got: edges[i] });
    // The window fills from the front: it turns only once full.
    const head = snapRange(x.head, 0, recent.length < this.window ? 0 : this.window - 1, `${what} head`, true);
    const sinceEdges = x.sinceEdges === null ? Infinity : snapRange(x.sinceEdges, 0, this.refresh, `${what} sinceEdges`, true);
    const sum = snapNumber(x.sum, `${what} sum`);
    this.edges.set(edges);
    this.counts.fill(0);
    this.size = recent.length;
    this.head = head;
    for (let j = 0; j < this.size; j++) {
      const bin = this.binOf(recent[j]);
      this.recent[j] = recent[j];
      this.bins[j] = bin;
      this.counts[bin]++;
    }
    this.sinceEdges = sinceEdges;
    this.sum = sum;
  }

  /** The bin of `x`: how many edges lie below it. */
  private binOf(x: number): number {
    return lowerBound(this.edges, this.edges.length, x);
  }
}
