/**
 * One interface over the five detectors, so a node can hold "a detector per key" without caring
 * which pattern it is, and analyse a closed window the same way.
 */
import { AnomalyDetector, DEFAULT_ANOMALY_THRESHOLD, Direction, squash } from './anomaly';
import { SpikeDetector } from './spike';
import { ChangePointDetector } from './change-point';
import { DEFAULT_TREND_CONFIDENCE, TrendDetector, mannKendall, olsSlope } from './trend';
import { SeasonalityDetector, detectPeriod } from './seasonality';
import { RollingQuantiles } from './rolling-quantiles';
import { normalTail } from './normal';
import { Incident, IncidentDetector, IncidentState, IncidentStep, describeIncident } from './incident-detector';
import { ConfigError } from '../errors';

/** The patterns a user can look for; 'auto' finds any incident (IncidentDetector). */
export type Pattern = 'auto' | 'anomaly' | 'spike' | 'changepoint' | 'trend' | 'seasonality';

/** Every pattern's name, for validation and editors. */
export const PATTERNS: readonly Pattern[] = ['auto', 'anomaly', 'spike', 'changepoint', 'trend', 'seasonality'];

/** Settings shared by all patterns; each uses the ones that make sense for it. */
export interface DetectorOptions {
  /** History length in events. */
  history?: number;
  minHistory?: number;
  /** Anomaly score threshold 0..1 (anomaly), or minimum strength (seasonality). */
  threshold?: number;
  /** Confidence 0..1 (spike, changepoint, trend). */
  confidence?: number;
  direction?: Direction;
  /** False alerts accepted per key per week at its observed rate (auto). */
  falseAlerts?: number;
}

/** What a detector says about one value (or one window). */
export interface Detection {
  pattern: Pattern;
  /** 0..1: how strongly the pattern is present. */
  score: number;
  /** The score's persistent form, used to decide when an incident ends. */
  level: number;
  /** The value the alert state compares `score`/`level` with. */
  threshold: number;
  /** True when this value qualifies as an alert in the configured direction. */
  hot: boolean;
  expected: number;
  direction: 'up' | 'down';
  ready: boolean;
  /** Pattern-specific facts: period, strength, trend, slopePerSecond, kind, changeTime. */
  details: Record<string, unknown>;
  /** Set by detectors that decide incidents themselves (auto): the incident opens or ends here. */
  incident?: 'start' | 'end' | 'none';
}

/** A per-key streaming detector. */
export interface StreamDetector {
  /** Scores one value; `arrival` is the processing time it came at (default `time`). */
  update(time: number, value: number, arrival?: number): Detection;
  /** Checks a quiet key at processing time `now` (auto only): a detection when a silence starts. */
  idle?(now: number): Detection | undefined;
  /** The detector's state as plain data (bounded by its history), to go on elsewhere with createDetector(…, state). */
  snapshot(): unknown;
}

function directionAllows(direction: Direction | undefined, d: 'up' | 'down'): boolean {
  return !direction || direction === 'both' || direction === d;
}

/** Checks options for a pattern; throws ConfigError naming the field and what is allowed. */
export function validateDetectorOptions(pattern: string, o: DetectorOptions): void {
  if (!PATTERNS.includes(pattern as Pattern)) throw ConfigError.of('pattern', 'oneOf', { allowed: PATTERNS.join(', '), got: JSON.stringify(pattern) });
  if (o.history !== undefined && !(Number.isInteger(o.history) && o.history >= 3 && o.history <= 100000)) throw ConfigError.of('history', 'historyWhole');
  if (o.minHistory !== undefined && !(Number.isInteger(o.minHistory) && o.minHistory >= 0))
    throw ConfigError.of('minHistory', 'minHistoryNumber', { got: String(o.minHistory) });
  if (o.threshold !== undefined && !(o.threshold > 0 && o.threshold <= 1)) throw ConfigError.of('threshold', 'thresholdNumber', { got: String(o.threshold) });
  if (o.confidence !== undefined && !(o.confidence >= 0.5 && o.confidence < 1)) throw ConfigError.of('confidence', 'confidenceRange');
  if (o.direction !== undefined && !['up', 'down', 'both'].includes(o.direction))
    throw ConfigError.of('direction', 'oneOf', { allowed: 'up, down, both', got: JSON.stringify(o.direction) });
  if (o.falseAlerts !== undefined && !(o.falseAlerts > 0 && o.falseAlerts <= 10000))
    throw ConfigError.of('falseAlerts', 'falseAlertsNumber', { got: String(o.falseAlerts) });
}

/**
 * The last incident described and its sentence: an open incident is reported with every reading
 * and does not change once opened, so its sentence is formatted once, not per reading.
 */
interface ReasonMemo {
  incident: Incident | undefined;
  reason: string;
}

/** The Detection of an incident detector's step: the incident's facts go into details. */
function incidentDetection(r: IncidentStep, memo: ReasonMemo): Detection {
  const inc = r.incident;
  if (inc && inc !== memo.incident) {
    memo.incident = inc;
    memo.reason = describeIncident(inc);
  }
  const details: Record<string, unknown> = inc
    ? {
        kind: inc.kind,
        since: inc.since,
        value: inc.value,
        expected: inc.expected,
        deviation: inc.deviation,
        sigma: inc.sigma,
        severity: inc.severity,
        reason: memo.reason,
      }
    : { sigma: r.sigma };
  return {
    pattern: 'auto',
    score: r.score,
    level: r.level,
    threshold: 0.5,
    hot: r.transition === 'start',
    expected: inc && r.transition ? inc.expected : r.expected,
    direction: inc?.direction ?? 'up',
    ready: r.ready,
    details,
    incident: r.transition ?? 'none',
  };
}

/**
 * Creates a streaming detector for one key; `state`, a snapshot() of a detector of the same
 * pattern and options, goes on where it stopped. Every field of a saved state is checked: one that
 * does not fit throws SnapshotError (auto's, saved by other versions too, starts afresh instead).
 */
export function createDetector(pattern: Pattern, o: DetectorOptions = {}, state?: unknown): StreamDetector {
  validateDetectorOptions(pattern, o);
  switch (pattern) {
    case 'auto': {
      const d = new IncidentDetector(
        { falseAlertsPerWeek: o.falseAlerts, direction: o.direction, minHistory: o.minHistory },
        state as IncidentState | undefined,
      );
      const memo: ReasonMemo = { incident: undefined, reason: '' };
      return {
        update: (time, value, arrival) => incidentDetection(d.advance(time, value, arrival), memo),
        idle: (now) => {
          const r = d.idle(now);
          return r && incidentDetection(r, memo);
        },
        snapshot: () => d.snapshot(),
      };
    }
    case 'anomaly': {
      const d = new AnomalyDetector({ history: o.history, minHistory: o.minHistory, threshold: o.threshold, direction: o.direction });
      if (state !== undefined) d.restore(state);
      return {
        snapshot: () => d.snapshot(),
        update(time, value) {
          const r = d.advance(time, value);
          // The score is the onset score: high where a deviation begins, so one incident ranks once
          // and an alert means "something started". The persistent level only keeps an incident open.
          return {
            pattern,
            score: r.score,
            level: r.level,
            threshold: d.threshold,
            hot: r.score >= d.threshold,
            expected: r.expected,
            direction: r.direction,
            ready: r.ready,
            details: { period: r.period, level: r.level },
          };
        },
      };
    }
    case 'spike': {
      const mode = o.direction === 'up' ? 'spikes' : o.direction === 'down' ? 'dips' : 'both';
      const d = new SpikeDetector({
        history: o.history,
        minHistory: o.minHistory,
        confidence: o.confidence === undefined ? undefined : o.confidence * 100,
        mode,
      });
      if (state !== undefined) d.restore(state);
      return {
        snapshot: () => d.snapshot(),
        update(time, value) {
          const r = d.update(time, value);
          // The score is a confidence, and plain noise often reaches 80 % of one: only spikes keep
          // an incident open, or a hold-off would never see a quiet stretch.
          return {
            pattern,
            score: r.score,
            level: r.isAnomaly ? r.score : 0,
            threshold: d.threshold,
            hot: r.isAnomaly,
            expected: r.expected,
            direction: r.direction,
            ready: r.ready,
            details: { kind: r.direction === 'up' ? 'spike' : 'dip' },
          };
        },
      };
    }
    case 'changepoint': {
      const d = new ChangePointDetector({ history: o.history, minHistory: o.minHistory, confidence: o.confidence });
      if (state !== undefined) d.restore(state);
      return {
        snapshot: () => d.snapshot(),
        update(time, value) {
          const r = d.update(time, value);
          const hot = r.isChange && (r.kind === 'variance' || directionAllows(o.direction, r.direction));
          return {
            pattern,
            score: r.score,
            level: r.score,
            threshold: 1,
            hot,
            expected: r.expected,
            direction: r.direction,
            ready: r.ready,
            details: { kind: r.kind, changeTime: r.changeTime },
          };
        },
      };
    }
    case 'trend': {
      const d = new TrendDetector({ history: o.history, minHistory: o.minHistory, confidence: o.confidence });
      if (state !== undefined) d.restore(state);
      return {
        snapshot: () => d.snapshot(),
        update(time, value) {
          const r = d.update(time, value);
          const direction = r.slopePerSecond >= 0 ? 'up' : 'down';
          const hot = r.trend !== 'stable' && directionAllows(o.direction, direction);
          return {
            pattern,
            score: r.score,
            level: hot ? 1 : 0,
            threshold: 1,
            hot,
            expected: r.expected,
            direction,
            ready: r.ready,
            details: { trend: r.trend, slopePerSecond: r.slopePerSecond },
          };
        },
      };
    }
    case 'seasonality': {
      const history = o.history ?? 1000;
      const minStrength = o.threshold ?? 0.3;
      const d = new SeasonalityDetector({ history, minHistory: o.minHistory, minStrength, every: Math.max(1, Math.floor(history / 4)) });
      if (state !== undefined) d.load(state, 'seasonality state');
      return {
        snapshot: () => d.save(),
        update(_time, value) {
          const p = d.update(value);
          return {
            pattern,
            score: p?.strength ?? 0,
            level: p ? 1 : 0,
            threshold: 1,
            hot: !!p,
            expected: value,
            direction: 'up',
            ready: true,
            details: { period: p?.period ?? 0, strength: p?.strength ?? 0 },
          };
        },
      };
    }
  }
}

const WINDOW_Z_WEIGHT = 0.8;

/** A detection inside a window, with the point it concerns. */
export interface WindowDetection extends Detection {
  time: number;
  value: number;
  index: number;
}

/**
 * Analyses a closed window's values at once. Anomaly and spike score each value against the
 * window's own median/MAD (the whole window is the reference, not just the past); change point runs
 * the streaming test through the window; trend and seasonality judge the window as a whole (one
 * detection at its last point). Returns the detections that are alerts, most significant first.
 */
export function analyseWindow(pattern: Pattern, times: readonly number[], values: readonly number[], o: DetectorOptions = {}): WindowDetection[] {
  validateDetectorOptions(pattern, o);
  const n = values.length;
  if (n === 0) return [];
  const out: WindowDetection[] = [];
  const last = n - 1;
  switch (pattern) {
    case 'auto':
    case 'anomaly':
    case 'spike': {
      const q = new RollingQuantiles(n);
      for (const v of values) q.push(v);
      const median = q.median();
      const spread = q.quantile(0.95) - q.quantile(0.05);
      const scale = Math.max(1.4826 * q.mad(median), 0.01 * spread, 1e-9 * Math.abs(median), 1e-12);
      const threshold = pattern === 'spike' ? (o.confidence ?? 0.99999) : (o.threshold ?? DEFAULT_ANOMALY_THRESHOLD);
      values.forEach((value, index) => {
        const z = (value - median) / scale;
        const direction = z >= 0 ? 'up' : 'down';
        // A window has no history to learn its own noise from, so the anomaly score is the robust z
        // on the streaming score's scale, weighted so the default threshold means |z| ≥ ~9.7: a
        // window of a few hundred values of heavy-tailed noise rarely holds such a value.
        const score = pattern === 'spike' ? 1 - 2 * normalTail(Math.abs(z)) : squash(WINDOW_Z_WEIGHT * Math.abs(z));
        if (score >= threshold && directionAllows(o.direction, direction)) {
          out.push({
            pattern,
            score,
            level: score,
            threshold,
            hot: true,
            expected: median,
            direction,
            ready: true,
            details: {},
            time: times[index],
            value,
            index,
          });
        }
      });
      break;
    }
    case 'changepoint': {
      const d = createDetector('changepoint', { ...o, history: o.history ?? Math.max(5, Math.min(200, Math.floor(n / 3))) });
      values.forEach((value, index) => {
        const r = d.update(times[index], value);
        if (r.hot) out.push({ ...r, time: times[index], value, index });
      });
      break;
    }
    case 'trend': {
      const { p, s } = mannKendall(values);
      const { slope, intercept } = olsSlope(times, values);
      const direction = slope >= 0 ? 'up' : 'down';
      const trend = p < 1 - (o.confidence ?? DEFAULT_TREND_CONFIDENCE) && n >= 3 ? (s > 0 ? 'increasing' : 'decreasing') : 'stable';
      const hot = trend !== 'stable' && directionAllows(o.direction, direction);
      if (hot)
        out.push({
          pattern,
          score: 1 - p,
          level: 1,
          threshold: 1,
          hot,
          expected: intercept + slope * times[last],
          direction,
          ready: true,
          details: { trend, slopePerSecond: slope * 1000 },
          time: times[last],
          value: values[last],
          index: last,
        });
      break;
    }
    case 'seasonality': {
      const p = detectPeriod(values, { minStrength: o.threshold ?? 0.3 });
      if (p)
        out.push({
          pattern,
          score: p.strength,
          level: 1,
          threshold: 1,
          hot: true,
          expected: values[last],
          direction: 'up',
          ready: true,
          details: { period: p.period, strength: p.strength },
          time: times[last],
          value: values[last],
          index: last,
        });
      break;
    }
  }
  return out.sort((a, b) => b.score - a.score);
}
