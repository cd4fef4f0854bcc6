/**
 * The default "anything odd" detector for one sensor: spikes and dips, level shifts, drifts,
 * stuck values, changes of spread and silence, each found by its own small test on one robust
 * model of the stream, and reported as incidents — one alert when an incident is sure, with its
 * kind and when it began, and one "ended" when it is over.
 *
 * The model is a local level and trend with a daily profile (Holt–Winters, additive season of 96
 * time-of-day bins, learned at the same pace per day whatever the reading rate) whose updates are
 * clipped at 3 σ, and a scale σ (mean absolute one-step error × √(π/2)) clipped the same way, so a
 * single wild reading barely moves either: the reference is what the sensor normally does, and it
 * follows daily cycles and slow wander. While an incident or a candidate is open the model is
 * frozen (the season still applies): anomalous readings never become normal. A second reference
 * is the same time yesterday (the mean per 5-minute bin of earlier days): a reading is odd only
 * when it is odd against both, so a daily step the slow profile has not learned is not news; the
 * CUSUM and drift tests use that reference where it has lately predicted the key better.
 *
 * The level channel is the anomaly pattern's scorer itself (AnomalyDetector: the reading against
 * the trailing median, the previous reading, the reading a period ago and the recent spread, each
 * standardised against its own long-run spread for this key), because its deviations carry over
 * to data it was never tuned on far better than one model's z does. Its threshold is its own
 * default where the budget per reading is at least its noise rate (5-minute readings), higher for
 * faster keys. When it fires, the model names the incident.
 *
 * The tests, each against the same budget of false alerts:
 *  - spike/dip: the level scorer fires on a reading at least BACK σ off the model (or the reading
 *    alone is FAR_SPIKE times past the z limit), confirmed when the next one is back (delay one
 *    reading); still off for three readings in a row, it is a level shift instead. Fired on a
 *    reading the model does not find off, the incident is named after the test that comes nearest;
 *  - shift: a two-sided CUSUM on the clipped z (slack 0.5 σ, z first scaled by the errors' lag-one
 *    autocorrelation so a wandering sensor is judged by its long-run spread), for shifts too small
 *    to pass z* on one reading; a run that grows rather than jumps is called a drift;
 *  - drift: the model's level against a slow level (EWMA over ~100 readings): a ramp keeps them
 *    apart by slope/α; alerts when the distance is far beyond its own spread over the last days
 *    and at least 3 σ;
 *  - stuck: a run of identical readings longer than the stream's own repeats allow: the first
 *    repeat at the key's rate of repeats, each further one at the rate its finished runs continued
 *    (a sensor that rests at zero between uses repeats in runs; one reported stuck teaches nothing);
 *  - variance: the short-run mean absolute step between readings against its long-run mean, on a
 *    log scale (steps, not levels, so a shift or a cycle does not look like noise), and against
 *    what the same readings' steps were on earlier days: hours that are noisier every day are not news;
 *    and against the key's own tail of this statistic, learned while the level scorer is calm: a
 *    key whose spread changes often needs a larger change;
 *  - silence: no reading for SILENCE_INTERVALS typical intervals, judged by the caller's clock
 *    (processing time), since a quiet key sends nothing to test.
 *
 * Calibration: the user sets the false alerts they accept per sensor per week (default 1). With
 * the key's observed interval that is a probability per reading, split over the five value
 * tests; each test's limit is the normal quantile of its share (the CUSUM limit from Siegmund's
 * run-length approximation), widened by HEAVY_TAIL because real noise has heavier tails than the
 * normal. Where a key's own spike statistic has a heavier tail still (bursts, quantised readings,
 * steps of a cycle), the spike and CUSUM limits rise to where that tail reaches the budget
 * (tail-calibration.ts); never below the nominal limits. The score is 0.5 or more where an
 * incident starts (more the further past its limit), under 0.5 elsewhere: half the level
 * scorer's onset score over its limit (0 before it has 100 readings). One number per onset, so a
 * benchmark ranks incidents, not their lengths, and the detector's own decisions first.
 */
import { AnomalyDetector, AnomalyResult, AnomalyState, DEFAULT_ANOMALY_THRESHOLD, Direction } from './anomaly';
import { normalLogTail, normalQuantileAbove } from './normal';
import { TailState, calibratedLimit, learnTail, newTail, reviveTail } from './tail-calibration';

/** What kind of incident was found. */
export type IncidentKind = 'spike' | 'dip' | 'shift' | 'drift' | 'stuck' | 'variance' | 'silence';

/** Every incident kind, for help texts and benchmarks. */
export const INCIDENT_KINDS: readonly IncidentKind[] = ['spike', 'dip', 'shift', 'drift', 'stuck', 'variance', 'silence'];

/** Settings of the incident detector; every one has a default. */
export interface IncidentOptions {
  /** False alerts accepted per sensor per week at the observed rate (default 1). */
  falseAlertsPerWeek?: number;
  /** Which level deviations count (spike/dip, shift, drift); stuck, variance and silence always do. */
  direction?: Direction;
  /** Readings before any test (default 30). */
  minHistory?: number;
}

/** An incident: what, since when, how far off. */
export interface Incident {
  kind: IncidentKind;
  /** Event time of the incident's first reading (for silence: when the first missing reading was due). */
  since: number;
  /** The reading that shows it best (the spike itself; for a shift the latest reading). */
  value: number;
  expected: number;
  /** value − expected, in the value's units. */
  deviation: number;
  /** The stream's robust σ (typical one-reading error), in the value's units. */
  sigma: number;
  direction: 'up' | 'down';
  /** The test statistic as a multiple of its limit (≥ 1 at the alert). */
  strength: number;
  /** low (< 2× the limit), medium (< 5×) or high. */
  severity: 'low' | 'medium' | 'high';
  /** Readings (or, for silence, missing readings) the incident lasted until it was sure. */
  readings: number;
}

/** What one reading (or a silence check) did. */
export interface IncidentStep {
  /** 0..1, the limit at 0.5; non-zero only where the evidence rises (see the file comment). */
  score: number;
  /** 0..1, the same without onset suppression: how odd the stream looks now. */
  level: number;
  ready: boolean;
  expected: number;
  sigma: number;
  transition: 'start' | 'end' | undefined;
  /** The open incident (or the one that just ended). */
  incident: Incident | undefined;
}

/** Default false alerts per sensor per week. */
export const DEFAULT_FALSE_ALERTS_PER_WEEK = 1;

const WEEK_MS = 7 * 86400000;
// Five value tests share the budget: spike, CUSUM (two sides as one), stuck, variance, and the
// spike-to-shift promotion is part of the spike test.
const TESTS = 4;
// Real noise is heavier-tailed than the normal: limits are the normal quantile times this.
const HEAVY_TAIL = 1.25;
const LEVEL_ALPHA = 0.1;
const TREND_BETA = 0.1;
const SCALE_ALPHA = 0.02;
const CLIP = 3;
const CUSUM_SLACK = 0.5;
// One reading moves a CUSUM by at most this: a wild reading is the spike test's business.
const CUSUM_CLIP = 4;
const SHIFT_CONFIRM = 3;
// A spike candidate is "back" when the next reading is within this many σ of the reference.
const BACK = 3;
const SHORT_ALPHA = 1 / 20;
const LONG_ALPHA = 1 / 1000;
// Spread of log(short/long mean absolute step) per 1/√(effective samples): the half-normal's
// coefficient of variation (0.76) with room for neighbouring steps sharing a reading.
const VAR_CV = 1.0;
// The spread of that log ratio for the short run's effective samples.
const VAR_SD = VAR_CV * Math.sqrt(SHORT_ALPHA / (2 - SHORT_ALPHA));
const REPEAT_MEMORY = 1 / 2000;
const SILENCE_INTERVALS = 5;
// Readings that moved (decayed like the repeat rate) before a run of repeats can be judged stuck.
const STUCK_EVIDENCE = 10;
// Weight, in readings after a repeat, of the plain repeat rate as the prior of the continuation rate.
const RUN_PRIOR = 5;
// Readings after which a lasting shift or drift is the new normal: the incident ends and the
// model starts again from the current level.
const ACCEPT_AFTER = 720;
const INTERVAL_ALPHA = 0.05;
const LEVEL_SCALE = 3;
const SEASON_BINS = 96;
const SEASON_BIN_MS = 86400000 / SEASON_BINS;
// The day reference is finer than the profile: a step within a quarter hour stays a step.
const DAY_BINS = 288;
const DAY_BIN_MS = 86400000 / DAY_BINS;
const SEASON_GAMMA = 0.3;
const RHO_ALPHA = 1 / 500;
const SLOW_ALPHA = 1 / 100;
const DRIFT_MEMORY_MS = 2 * 86400000;
// The drift test waits for this many times minHistory: the slow level and the spread of its
// distance need far more readings than a spike test.
const DRIFT_HISTORY = 10;
const CUSUM_HISTORY = 4;
// A spike under MODEST× its limit (in log tail probability) waits CALM readings for a calm neighbourhood.
const MODEST = 3;
const CALM = 5;
const DRIFT_MIN = 3;
// A shift or drift is over once the readings are back within this many σ (or 40 % of its largest distance).
const END_SIGMA = 1.5;
// The day reference learns about half of its bin from each day's readings.
const DAY_RATE = 0.3;
const DAY_ERR_ALPHA = 1 / 500;
// The one-reading z test alone (without the level scorer) alerts only this far past its limit, in
// log tail probability: a blatant jump, or a key whose scorer is still learning after a restore.
const FAR_SPIKE = 5;
// A run of repeats must be as unlikely as one reading at the budget: the key's own rate of repeats
// already calibrates it, and a stricter limit misses a sensor that sticks while it warms up.
const FAR_STUCK = 1;
// The variance test also needs this share of the limit its key's own tail of it sets.
const VAR_TAIL = 0.6;
// The variance tail learns only from readings the level scorer finds this far under its threshold.
const CALM_LEVEL = 0.8;
// The level scorer's onsets cross its default threshold about LEVEL_P0 per reading on noise with
// cycles and wander, and e times less often every LEVEL_EFOLD above it (measured on the simulator).
const LEVEL_P0 = 1.5e-4;
const LEVEL_EFOLD = 0.008;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

// A reading that starts no incident scores under 0.5, however odd the level scorer finds it.
const STILL_UNDER = 0.999;

/** The detector's whole state as plain numbers, for snapshots. */
export interface IncidentState {
  n: number;
  prev: number;
  prevTime: number;
  arrival: number;
  interval: number;
  level: number;
  trend: number;
  scale: number;
  eq: number;
  /** Of finished runs of repeats: repeats that followed a repeat, and readings that followed a repeat. */
  eqRun: number;
  afterEq: number;
  all: number;
  /** The current run's share of eq (its repeats, decayed alike); absent in older state. */
  runEq?: number;
  run: number;
  runSince: number;
  up: number;
  down: number;
  upSince: number;
  downSince: number;
  upFirst: number;
  downFirst: number;
  upLen: number;
  downLen: number;
  /** Running means of z·z₋₁ and z² (clipped z): the lag-one autocorrelation of the errors. */
  zz: number;
  z2: number;
  prevZ: number;
  /** Daily profile: the level's offset per SEASON_BINS-th of a day (Holt–Winters' additive season). */
  season: number[];
  /**
   * Yesterday at this time: the readings' recent mean per DAY_BINS-th of a day, learned from
   * every reading, incidents included (NaN until the bin has a reading). A reading as far from the
   * model as it is close to this repeats what the stream did a day ago: a daily step the slow
   * profile has not learned yet is not an incident.
   */
  day: number[];
  /** The same for the absolute step between readings: how much the stream moves at this time of day. */
  dayStep: number[];
  /** The bin being visited, and its mean and mean step as the visit began. */
  dayBin: number;
  dayRef: number;
  dayStepRef: number;
  /** The day's usual step averaged like shortStep: what the last readings' steps were on earlier days. */
  dayShort: number;
  /** Running mean absolute error of the model and of the day reference (clipped at 10 σ). */
  modelErr: number;
  dayErr: number;
  /** The deseasonalised level an open shift or drift is measured from. */
  ref: number;
  /** Slow level, its distance from the model's level, and that distance's running mean square. */
  slow: number;
  d2: number;
  driftSince: number;
  shortStep: number;
  longStep: number;
  varSince: number;
  cand: { time: number; value: number; expected: number; count: number; calm: number } | null;
  open: Incident | null;
  /** The key's own tail of the spike test's statistic, which calibrates the spike and CUSUM tests. */
  tail: TailState;
  /** The key's own tail of the variance test's statistic (absent in older state: learned afresh). */
  varTail?: TailState;
  openReadings: number;
  fast: number;
  maxDev: number;
  /** The last reported spike or dip: the level scorer's seasonal reference meets it again a period later. */
  echo?: number;
  /** The value of the last run reported stuck, and the reading that ended it (absent before the first). */
  stuckValue?: number;
  stuckEnd?: number;
  /** The level channel's scorer (absent in state saved before it existed: it then learns afresh). */
  scorer?: AnomalyState;
}

/** Streaming incident detector for one key (see the file comment). */
export class IncidentDetector {
  readonly falseAlertsPerWeek: number;
  private readonly direction: Direction;
  private readonly minHistory: number;
  private s: IncidentState;
  // Limits for the interval they were computed at.
  private limitsFor = NaN;
  private zSpike = 0;
  private cusumLimit = 0;
  private zVar = 0;
  // normalLogTail of the spike and variance limits (÷ HEAVY_TAIL): fixed between refreshLimits, taken per reading.
  private spikeLogTail = 0;
  private varLogTail = 0;
  private logBudget = 0;
  private perReading = 0;
  // The calibrated limit of the spike and CUSUM tests as a multiple of the nominal one (≥ 1), from the key's own tail.
  private k = 1;
  private levelLimit = DEFAULT_ANOMALY_THRESHOLD;
  private readonly scorer: AnomalyDetector;
  // The scorer's own result for the last reading (advance: overwritten only by the next one).
  private scored: AnomalyResult | undefined;
  // The step advance returns, overwritten by every reading.
  private readonly step: IncidentStep = { score: 0, level: 0, ready: false, expected: 0, sigma: 0, transition: undefined, incident: undefined };

  constructor(options: IncidentOptions = {}, state?: IncidentState) {
    this.falseAlertsPerWeek = options.falseAlertsPerWeek ?? DEFAULT_FALSE_ALERTS_PER_WEEK;
    this.direction = options.direction ?? 'both';
    this.minHistory = Math.max(3, options.minHistory ?? 30);
    this.s =
      state && isIncidentState(state)
        ? revive(state)
        : {
            n: 0,
            prev: NaN,
            prevTime: NaN,
            arrival: NaN,
            interval: NaN,
            level: 0,
            trend: 0,
            scale: 0,
            eq: 0,
            eqRun: 0,
            afterEq: 0,
            all: 0,
            runEq: 0,
            stuckValue: NaN,
            stuckEnd: NaN,
            run: 0,
            runSince: 0,
            up: 0,
            down: 0,
            upSince: 0,
            downSince: 0,
            upFirst: 0,
            downFirst: 0,
            upLen: 0,
            downLen: 0,
            zz: 0,
            z2: 1,
            prevZ: 0,
            slow: 0,
            d2: 0,
            driftSince: 0,
            season: new Array(SEASON_BINS).fill(0),
            day: new Array(DAY_BINS).fill(NaN),
            dayStep: new Array(DAY_BINS).fill(NaN),
            dayBin: -1,
            dayRef: NaN,
            dayStepRef: NaN,
            dayShort: NaN,
            modelErr: 0,
            dayErr: 0,
            ref: 0,
            shortStep: 0,
            longStep: 0,
            varSince: 0,
            cand: null,
            open: null,
            openReadings: 0,
            fast: 0,
            maxDev: 0,
            tail: newTail(),
          };
    this.scorer = new AnomalyDetector({ direction: this.direction }, state && isIncidentState(state) ? state.scorer : undefined);
  }

  /** A copy of the state, to restore the detector elsewhere with `new IncidentDetector(options, state)`. */
  snapshot(): IncidentState {
    const s = this.s;
    return {
      ...s,
      cand: s.cand && { ...s.cand },
      open: s.open && { ...s.open },
      season: [...s.season],
      day: [...s.day],
      dayStep: [...s.dayStep],
      tail: { ...s.tail },
      varTail: s.varTail && { ...s.varTail },
      scorer: this.scorer.snapshot(),
    };
  }

  /** The typical interval between readings in ms (NaN before two readings). */
  get interval(): number {
    return this.s.interval;
  }

  /** The open incident, if any. */
  get incident(): Incident | undefined {
    return this.s.open ?? undefined;
  }

  /** Tests one reading at event time `time`; `arrival` (default `time`) is when it came, for silence. */
  update(time: number, value: number, arrival = time): IncidentStep {
    return { ...this.advance(time, value, arrival) };
  }

  /**
   * As update, but the step returned is the detector's own and the next reading overwrites it:
   * for a caller that reads it at once, so a reading allocates no step.
   */
  advance(time: number, value: number, arrival = time): IncidentStep {
    const s = this.s;
    const r = this.scorer.advance(time, value);
    this.scored = r;
    let ended: Incident | undefined;
    if (s.n > 0) {
      const gap = time - s.prevTime;
      if (gap > 0) s.interval = Number.isNaN(s.interval) ? gap : s.interval + INTERVAL_ALPHA * (Math.min(gap, 3 * s.interval) - s.interval);
    }
    s.arrival = arrival;
    if (s.open?.kind === 'silence') {
      // The first reading after a silence ends it and starts the level afresh; it is not news itself.
      ended = this.close();
      this.anchor(value);
      s.n++;
      this.remember(time, value);
      return this.result(0, 0, s.n > this.minHistory, value, 'end', ended);
    }
    if (s.n < 2) {
      if (s.n === 0) this.anchor(value);
      else s.trend = 0;
      s.n++;
      this.remember(time, value);
      return this.result(0, 0, false, value, undefined, undefined);
    }
    this.refreshLimits();
    this.k = calibratedLimit(s.tail, this.perReading);
    const bin = seasonBin(time);
    const season = s.season[bin];
    const pred = (s.open || s.cand ? s.level : s.level + s.trend) + season;
    // Floored by the typical step between readings (≈ 1.6 σ for plain noise): σ can never fall far
    // below what the readings themselves move, so readings far off are always learned from again.
    const sigma = Math.max(s.scale, 0.3 * s.longStep, 1e-9 * Math.abs(pred), 1e-12);
    const e = value - pred;
    // A reading odd against the model may still repeat yesterday at this time. The spike test
    // takes both references; the slower tests (CUSUM, drift) take yesterday only
    // where it has lately predicted this key's readings better than the model has: on a stream
    // with daily steps, not on one whose days differ by wander.
    const yesterday = this.yesterday(time);
    // Odd means odd against both: between the two references is normal, beyond both the nearer counts.
    const useDay = Math.abs(value - yesterday) < Math.abs(e);
    const between = (value - yesterday) * e < 0;
    const reference = useDay ? yesterday : pred;
    const z = between ? 0 : (useDay ? value - yesterday : e) / sigma;
    let dayBetter = false;
    if (!Number.isNaN(yesterday)) {
      // Incidents included: the errors a daily step makes are exactly those an open incident hides.
      s.modelErr += DAY_ERR_ALPHA * (Math.min(Math.abs(e), 10 * sigma) - s.modelErr);
      s.dayErr += DAY_ERR_ALPHA * (Math.min(Math.abs(value - yesterday), 10 * sigma) - s.dayErr);
      dayBetter = s.dayErr < s.modelErr;
    }
    const same = value === s.prev;
    if (same) {
      if (s.run === 0) s.runSince = s.prevTime;
      s.run++;
    } else {
      // A finished run teaches how repeats continue; the run still going does not judge itself,
      // nor does one that was reported stuck (a stuck sensor must not become the norm).
      if (s.run > 0 && s.open?.kind !== 'stuck') {
        s.eqRun += s.run - 1;
        s.afterEq += s.run;
      }
      s.run = 0;
    }
    const step = Math.abs(value - s.prev);
    const ready = s.n >= this.minHistory;
    // Mean absolute step, short and long run, clipped so one jump does not look like a noisy spell.
    let varRatio = 0;
    if (!s.open) {
      if (s.longStep > 0) {
        s.shortStep += SHORT_ALPHA * (Math.min(step, 5 * s.longStep) - s.shortStep);
        if (s.dayStepRef > 0) s.dayShort = s.dayShort > 0 ? s.dayShort + SHORT_ALPHA * (s.dayStepRef - s.dayShort) : s.dayStepRef;
        varRatio = this.varianceNow(true) * this.zVar;
        if (Math.abs(varRatio) < this.zVar / 3) s.varSince = time;
      } else if (step > 0) {
        s.longStep = step;
        s.shortStep = step;
      }
    }

    if (s.open) {
      const done = this.stillOpen(time, value, pred, sigma, same, step);
      s.n++;
      this.remember(time, value);
      if (done) return this.result(0, 0, ready, pred, 'end', done);
      return this.result(0, this.levelOf(this.strengthNow(z)), ready, pred, undefined, s.open);
    }

    let start: Incident | undefined;
    let strength = 0;
    // Spike candidate: confirm (back to normal), promote (still off) or keep waiting.
    if (s.cand) {
      const c = s.cand;
      const zc = (value - c.expected) / sigma;
      const cz = (c.value - c.expected) / sigma;
      const st = this.tailRatio(Math.abs(cz));
      const off = Math.abs(zc) >= BACK * this.k;
      if (c.calm > 0) {
        // A modest spike waits for calm neighbours: another reading off means a noisy spell.
        if (off) {
          s.cand = null;
          start = this.incidentOf('variance', c.time, value, c.expected, sigma, Math.max(1, this.varianceNow()), c.count + c.calm);
          start.direction = 'up';
        } else if (++c.calm > CALM) {
          s.cand = null;
          if (this.allows(cz > 0 ? 'up' : 'down')) start = this.incidentOf(cz > 0 ? 'spike' : 'dip', c.time, c.value, c.expected, sigma, st, 1);
        }
      } else if (!off || Math.sign(zc) !== Math.sign(cz)) {
        if (st >= MODEST) {
          s.cand = null;
          if (this.allows(cz > 0 ? 'up' : 'down')) start = this.incidentOf(cz > 0 ? 'spike' : 'dip', c.time, c.value, c.expected, sigma, st, 1);
        } else if (off) {
          // Far off on the other side right after: the spread grew, not one reading.
          s.cand = null;
          start = this.incidentOf('variance', c.time, value, c.expected, sigma, Math.max(1, this.varianceNow()), 2);
          start.direction = 'up';
        } else {
          c.calm = 1;
        }
      } else if (++c.count >= SHIFT_CONFIRM) {
        s.cand = null;
        if (this.allows(zc > 0 ? 'up' : 'down')) start = this.incidentOf('shift', c.time, value, c.expected, sigma, this.tailRatio(Math.abs(zc)), c.count);
        else this.anchor(value);
      }
      if (!start && s.cand) {
        s.n++;
        this.remember(time, value);
        return this.result(0, this.levelOf(this.tailRatio(Math.abs(zc))), ready, c.expected, undefined, undefined);
      }
    }
    const tail = this.tailRatio(Math.abs(z));
    const levelHit = r.ready && r.score >= this.levelLimit;
    if (!start && ready && ((levelHit && Math.abs(z) >= BACK * this.k) || tail >= FAR_SPIKE)) {
      s.cand = { time, value, expected: reference, count: 1, calm: 0 };
      strength = tail;
      learnTail(s.tail, strength * this.k, this.perReading);
      s.n++;
      this.remember(time, value);
      return this.result(this.levelOf(strength), this.levelOf(strength), ready, pred, undefined, undefined);
    }

    // CUSUM on the clipped z, both sides. Its limit holds for independent errors; a sensor that
    // wanders leaves errors that follow each other, so z is first scaled to the long-run spread
    // of their sum (AR(1): variance × (1+ρ)/(1−ρ)).
    const rho = Math.max(0, Math.min(0.95, s.zz / s.z2));
    const zl = (dayBetter ? z : e / sigma) * Math.sqrt((1 - rho) / (1 + rho));
    const zc = zl > CUSUM_CLIP ? CUSUM_CLIP : zl < -CUSUM_CLIP ? -CUSUM_CLIP : zl;
    if (s.up === 0) {
      s.upSince = time;
      s.upFirst = 0;
      s.upLen = 0;
    }
    s.up = Math.max(0, s.up + zc - CUSUM_SLACK);
    if (s.up > 0 && ++s.upLen <= 3) s.upFirst += zc;
    if (s.down === 0) {
      s.downSince = time;
      s.downFirst = 0;
      s.downLen = 0;
    }
    s.down = Math.max(0, s.down - zc - CUSUM_SLACK);
    if (s.down > 0 && ++s.downLen <= 3) s.downFirst -= zc;

    // Stuck: the run of repeats against the stream's own repeat rate.
    // Repeats that come in runs (a sensor that rests at zero between uses) continue at their own
    // rate, so the run's probability is the first repeat's times the continuation's per further one.
    // The run still going does not judge itself: its repeats are taken out of the rates it is
    // judged by. A key needs STUCK_EVIDENCE readings that moved before a run can be news: one that
    // has been flat from the start (or nearly always) is flat by nature, and its finished runs
    // set how long its runs last, however long that is.
    const runEq = Math.min(s.runEq ?? 0, s.eq);
    const moved = s.all - s.eq;
    const repeat = (s.eq - runEq + 0.5) / (s.all - runEq + 1);
    const carry = (s.eqRun + RUN_PRIOR * repeat) / (s.afterEq + RUN_PRIOR);
    // A run that resumes the value of a stuck run which ended at most SHIFT_CONFIRM readings
    // before is that incident going on after a reading or two off, not a new one.
    const resumed = s.run > 0 && value === s.stuckValue && s.n - s.run - s.stuckEnd! <= SHIFT_CONFIRM;
    const stuckStrength =
      s.run > 0 && !resumed && moved >= STUCK_EVIDENCE ? (Math.log(repeat) + (s.run - 1) * Math.log(Math.max(carry, repeat))) / this.logBudget : 0;

    // Drift: the model's level against a slow level. Its trend follows a ramp, so the errors stay
    // small; the slow level lags a ramp by slope/α, far more than noise, wander or a cycle make it.
    const gap = s.level - s.slow;
    const zDrift = s.d2 > 0 ? Math.abs(gap) / Math.sqrt(s.d2) : 0;
    if (zDrift < 2) s.driftSince = time;
    // A drift must also be material: at least DRIFT_MIN σ of one reading's noise away.
    // A reading about where it was yesterday at this time is no drift, however the model lags.
    const material = Math.abs(gap) >= DRIFT_MIN * sigma && !(dayBetter && Math.abs(value - yesterday) < DRIFT_MIN * sigma);
    const drift = material ? zDrift / this.zSpike : Math.min(zDrift / this.zSpike, 0.99);
    const cusum = Math.max(s.up, s.down) / this.cusumLimit / this.k;
    const variance = Math.abs(varRatio) / this.zVar;
    // On the variance test's log tail scale, against the key's own tail of it: a key whose spread
    // changes often needs a larger change before it is news.
    const varTail = (s.varTail ??= newTail());
    // Taken only where a decision reads it: the variance alert, or the tail learning a value above
    // its quantile (one under it only moves the quantile down, whatever its size).
    let varLog = 0;
    let varLimit = 1;
    if (ready && !start) {
      // Learned while the level scorer is calm: spells it finds odd are incidents, not the key's normal.
      const learns = !s.open && r.level < CALM_LEVEL * this.levelLimit;
      if (variance >= 1) varLimit = calibratedLimit(varTail, this.perReading);
      if (Math.abs(varRatio) > 0 && (variance >= 1 || (learns && !this.surelyUnder(Math.abs(varRatio) / HEAVY_TAIL, varTail))))
        varLog = normalLogTail(Math.abs(varRatio) / HEAVY_TAIL) / this.varLogTail;
      if (learns) learnTail(varTail, varLog, this.perReading);
    }
    if (ready && !start) learnTail(s.tail, tail * this.k, this.perReading);
    strength = Math.max(cusum, stuckStrength, variance, drift, tail);
    if (!start && ready) {
      if (stuckStrength >= FAR_STUCK) {
        start = this.incidentOf('stuck', s.runSince, value, pred, sigma, stuckStrength, s.run + 1);
      } else if (cusum >= 1 && s.n >= CUSUM_HISTORY * this.minHistory) {
        const upward = s.up >= s.down;
        const first = upward ? s.upFirst / Math.min(3, s.upLen) : s.downFirst / Math.min(3, s.downLen);
        // Abrupt: the first readings were already about as far off as the limit asks on average.
        const kind = first >= 0.6 * Math.min(CUSUM_CLIP, Math.abs(zl)) ? 'shift' : 'drift';
        if (this.allows(upward ? 'up' : 'down')) {
          start = this.incidentOf(kind, upward ? s.upSince : s.downSince, value, pred, sigma, cusum, upward ? s.upLen : s.downLen);
        } else {
          s.up = s.down = 0;
        }
      } else if (drift >= 1 && s.n >= DRIFT_HISTORY * this.minHistory) {
        if (this.allows(gap > 0 ? 'up' : 'down'))
          start = this.incidentOf('drift', s.driftSince, value, s.slow + season, sigma, drift, Math.round((time - s.driftSince) / (s.interval || 1)));
        else s.slow = s.level;
      } else if (variance >= 1 && varLog >= VAR_TAIL * varLimit && s.run === 0) {
        start = this.incidentOf('variance', s.varSince, value, pred, sigma, variance, 0);
        start.direction = varRatio > 0 ? 'up' : 'down';
      } else if (levelHit) {
        // The level scorer finds the reading odd while no single test is sure: named after the
        // test that comes nearest.
        const best = Math.max(cusum, stuckStrength, variance, drift);
        const upward = r.direction === 'up';
        if (best >= 0.3 && best === stuckStrength) start = this.incidentOf('stuck', s.runSince, value, pred, sigma, 1, s.run + 1);
        else if (best >= 0.3 && best === variance && s.run === 0) {
          start = this.incidentOf('variance', s.varSince, value, pred, sigma, 1, 0);
          start.direction = varRatio > 0 ? 'up' : 'down';
        } else if (best >= 0.3 && best === drift)
          start = this.incidentOf('drift', s.driftSince, value, s.slow + season, sigma, 1, Math.round((time - s.driftSince) / (s.interval || 1)));
        // Unless the scorer's reference is the odd one: its value a period ago was a reported spike.
        else if (r.expected !== s.echo) start = this.incidentOf('shift', upward ? s.upSince : s.downSince, value, pred, sigma, 1, upward ? s.upLen : s.downLen);
      }
    }
    if (start) {
      if (start.kind === 'spike' || start.kind === 'dip') s.echo = start.value;
      if (start.kind === 'stuck') s.stuckValue = value;
      s.ref = start.kind === 'drift' ? s.slow : s.level;
      s.open = start;
      s.openReadings = 0;
      s.fast = value - season;
      s.maxDev = Math.abs(start.deviation);
      s.cand = null;
    } else if (!s.cand) {
      this.learn(e, sigma, same, step, bin);
    }
    s.n++;
    this.remember(time, value);
    const level = this.levelOf(strength);
    return this.result(start ? Math.max(level, 0.5) : level, level, ready, pred, start ? 'start' : undefined, start);
  }

  /**
   * Checks for silence at processing time `now`: opens a silence incident when the key has sent
   * nothing for SILENCE_INTERVALS typical intervals. Returns the step when one starts.
   */
  idle(now: number): IncidentStep | undefined {
    const r = this.idleStep(now);
    return r && { ...r };
  }

  private idleStep(now: number): IncidentStep | undefined {
    const s = this.s;
    if (s.open?.kind === 'silence' || s.n < this.minHistory || !(s.interval > 0)) return undefined;
    const missing = Math.floor((now - s.arrival) / s.interval);
    if (missing < SILENCE_INTERVALS) return undefined;
    // Silence outranks whatever was open: end that first, the silence starts at the next check.
    if (s.open) return this.result(0, 0, true, s.prev, 'end', this.close());
    s.cand = null;
    const inc = this.incidentOf('silence', s.prevTime + s.interval, s.prev, s.prev, s.scale, missing / SILENCE_INTERVALS, missing);
    inc.deviation = 0;
    s.open = inc;
    s.openReadings = 0;
    return this.result(0.5, 0.5, true, s.prev, 'start', inc);
  }

  /** Ends or keeps the open incident with this reading; returns the incident when it ends. */
  private stillOpen(time: number, value: number, pred: number, sigma: number, same: boolean, step: number): Incident | undefined {
    const s = this.s;
    const inc = s.open!;
    s.openReadings++;
    s.fast += 0.2 * (value - s.season[seasonBin(time)] - s.fast);
    let over = false;
    switch (inc.kind) {
      case 'spike':
      case 'dip':
        over = true;
        break;
      case 'stuck':
        over = !same;
        if (over) s.stuckEnd = s.n;
        break;
      case 'shift':
      case 'drift': {
        // Against the level from before the incident, which the frozen model no longer tracks.
        const dev = Math.abs(s.fast - s.ref);
        s.maxDev = Math.max(s.maxDev, dev);
        over = dev < Math.max(END_SIGMA * sigma, 0.4 * s.maxDev) || s.openReadings >= ACCEPT_AFTER;
        break;
      }
      case 'variance': {
        s.shortStep += SHORT_ALPHA * (Math.min(step, 5 * s.longStep) - s.shortStep);
        over = Math.abs(this.varianceNow()) < 1 / 3 || s.openReadings >= ACCEPT_AFTER;
        break;
      }
      default:
        break;
    }
    if (!over) return undefined;
    const done = this.close();
    // Start again from here: the reading that ends an incident is not news itself.
    if (inc.kind !== 'spike' && inc.kind !== 'dip') this.anchor(value);
    else this.learn(value - pred, sigma, same, step, seasonBin(time));
    void time;
    return done;
  }

  /** The variance test's statistic as a fraction of its limit, signed by direction. */
  private varianceNow(daily = false): number {
    const s = this.s;
    if (!(s.longStep > 0)) return 0;
    const short = Math.max(s.shortStep, 1e-12);
    const q = short / s.longStep;
    // To start an incident, against the time of day's usual step too, where earlier days give one:
    // a stream that is noisier every day in some hours is not "noisier than usual" then.
    const day = s.dayShort;
    if (!(daily && day > 0)) return Math.log(q) / VAR_SD / this.zVar;
    const qd = short / day;
    // The logs' signs are the ratios' sides of 1: on opposite sides (or at 1) the answer is 0 without them.
    if (q === 1 || qd === 1 || (q > 1 && qd < 1) || (q < 1 && qd > 1)) return 0;
    const r = Math.log(q);
    const rd = Math.log(qd);
    return (rd * r <= 0 ? 0 : Math.abs(rd) < Math.abs(r) ? rd : r) / VAR_SD / this.zVar;
  }

  private close(): Incident | undefined {
    const s = this.s;
    const inc = s.open ?? undefined;
    s.open = null;
    s.up = s.down = 0;
    return inc;
  }

  /** Restarts the level at `value`, keeping the learned scale and repeat rate. */
  private anchor(value: number): void {
    const s = this.s;
    s.level = value;
    s.slow = value;
    s.trend = 0;
    s.up = s.down = 0;
    s.cand = null;
    s.shortStep = s.longStep;
  }

  private learn(e: number, sigma: number, same: boolean, step: number, bin: number): void {
    const s = this.s;
    const warm = s.n < this.minHistory;
    const z = Math.max(-CLIP, Math.min(CLIP, e / sigma));
    const ra = warm ? Math.max(RHO_ALPHA, 1 / s.n) : RHO_ALPHA;
    s.zz += ra * (z * s.prevZ - s.zz);
    s.z2 += ra * (z * z - s.z2);
    s.prevZ = z;
    const ce = e > CLIP * sigma ? CLIP * sigma : e < -CLIP * sigma ? -CLIP * sigma : e;
    // Faster while warming up, so the first readings are not judged by a guess.
    const a = warm ? Math.max(LEVEL_ALPHA, 1 / s.n) : LEVEL_ALPHA;
    s.level += s.trend + a * ce;
    s.trend += a * TREND_BETA * ce;
    // The daily profile learns a bin's share of the error, scaled so a bin learns as much per day
    // whatever the rate (one reading per bin or 900).
    if (!warm) s.season[bin] += Math.min(0.5, (SEASON_GAMMA * (s.interval || 1000)) / SEASON_BIN_MS) * ce;
    if (s.n <= 2) s.slow = s.level;
    s.slow += (warm ? Math.max(SLOW_ALPHA, 1 / s.n) : SLOW_ALPHA) * (s.level - s.slow);
    const g = s.level - s.slow;
    // Clipped at 3× the typical distance, so a drift that has not yet alerted does not teach that drifts are normal.
    // Over days, not readings: a daily cycle's steepest hours must be in what counts as normal.
    const dm = Math.max(1 / s.n, Math.min(1 / 2000, (s.interval || 1000) / DRIFT_MEMORY_MS));
    s.d2 += dm * (Math.min(g * g, s.n > this.minHistory ? 9 * s.d2 : Infinity) - s.d2);
    // A repeated reading says nothing about the noise: a sensor stuck while warming up would
    // otherwise shrink σ to nothing, and every later reading would look like a spike.
    if (!same) {
      const absE = Math.min(Math.abs(e), s.scale > 0 ? (4 * s.scale) / 1.2533 : Math.abs(e));
      // Warm-up counts readings that moved: a key stuck from its start has learned nothing of its noise.
      const moved = s.all - s.eq + 1;
      const sa = moved < this.minHistory ? Math.max(SCALE_ALPHA, 1 / moved) : SCALE_ALPHA;
      s.scale += sa * (1.2533 * absE - s.scale);
    }
    const m = 1 - REPEAT_MEMORY;
    s.eq = s.eq * m + (same ? 1 : 0);
    s.runEq = same ? (s.runEq ?? 0) * m + 1 : 0;
    s.eqRun *= m;
    s.afterEq *= m;
    s.all = s.all * m + 1;
    if (!same && s.longStep > 0) {
      const moved = s.all - s.eq;
      const la = moved < this.minHistory ? Math.max(LONG_ALPHA, 1 / moved) : LONG_ALPHA;
      s.longStep += la * (Math.min(step, 5 * s.longStep) - s.longStep);
    }
  }

  /**
   * The day reference for `time`: the bin's mean as it stood when the current visit of the bin
   * began, so only earlier days count, never the minutes just before (a 5-minute bin holds 300
   * readings at 1 Hz).
   */
  private yesterday(time: number): number {
    const s = this.s;
    const bin = dayBin(time);
    if (bin !== s.dayBin) {
      s.dayBin = bin;
      s.dayRef = s.day[bin];
      s.dayStepRef = s.dayStep[bin];
    }
    return s.dayRef;
  }

  private remember(time: number, value: number): void {
    const bin = dayBin(time);
    const s = this.s;
    const rate = Math.min(0.5, (DAY_RATE * (s.interval || 1000)) / DAY_BIN_MS);
    const d = s.day[bin];
    s.day[bin] = Number.isNaN(d) ? value : d + rate * (value - d);
    if (s.n > 1 && s.longStep > 0) {
      const step = Math.min(Math.abs(value - s.prev), 5 * s.longStep);
      const ds = s.dayStep[bin];
      s.dayStep[bin] = Number.isNaN(ds) ? step : ds + rate * (step - ds);
    }

    this.s.prev = value;
    this.s.prevTime = time;
  }

  private refreshLimits(): void {
    const interval = this.s.interval > 0 ? this.s.interval : 1000;
    if (Math.abs(interval - this.limitsFor) <= 0.1 * this.limitsFor) return;
    this.limitsFor = interval;
    const perReading = Math.min(0.01, (this.falseAlertsPerWeek * interval) / WEEK_MS);
    this.perReading = perReading;
    const p = perReading / TESTS;
    this.logBudget = Math.log(p);
    this.zSpike = HEAVY_TAIL * normalQuantileAbove(p / 2);
    // The level scorer's threshold for this test's share of the budget, never below its own default.
    this.levelLimit = DEFAULT_ANOMALY_THRESHOLD + Math.max(0, Math.log(LEVEL_P0 / p)) * LEVEL_EFOLD;
    // The variance test's share of the budget is the spike test's: the same limit, not searched twice.
    this.zVar = this.zSpike;
    this.spikeLogTail = normalLogTail(this.zSpike / HEAVY_TAIL);
    this.varLogTail = this.spikeLogTail;
    // Siegmund: ARL ≈ e^{2k(h+1.166)} / (2k²) for slack k; solve for h at ARL = 2/p (two sides).
    const k = CUSUM_SLACK;
    this.cusumLimit = HEAVY_TAIL * (Math.log((2 / p) * 2 * k * k) / (2 * k) - 1.166);
  }

  /**
   * Whether the variance statistic at `z` (÷ HEAVY_TAIL) is surely under the learned quantile of
   * its tail, without its logarithms: −log P(Z > z) ≤ log 2 + z·√(2/π) + z²/2 (the normal's
   * hazard rate grows by less than 1 per unit), with a tenth of the quantile to spare for
   * normalTail's error, which stays far under that where the bound is at most 10.
   */
  private surelyUnder(z: number, t: TailState): boolean {
    if (!(t.n > 0) || !(t.from > 0) || !(t.excess > 0)) return false;
    const bound = Math.LN2 + SQRT_2_OVER_PI * z + 0.5 * z * z;
    return bound <= 10 && bound <= 0.9 * t.from * -this.varLogTail;
  }

  /** How far past the spike limit |z| is, in log tail probability: 1 at the limit. */
  private tailRatio(absZ: number): number {
    return absZ <= 0 ? 0 : normalLogTail(absZ / HEAVY_TAIL) / this.spikeLogTail / this.k;
  }

  private strengthNow(z: number): number {
    return this.tailRatio(Math.abs(z));
  }

  private levelOf(strength: number): number {
    // Squashed on a log scale above the limit, so a 100-fold and a 10,000-fold excess still rank apart.
    if (!(strength > 0)) return 0;
    if (strength <= 1) return strength / 2;
    const l = Math.log(strength);
    return Math.min(0.999999, 0.5 + 0.5 * (l / (l + LEVEL_SCALE)));
  }

  private allows(d: 'up' | 'down'): boolean {
    return this.direction === 'both' || this.direction === d;
  }

  private incidentOf(kind: IncidentKind, since: number, value: number, expected: number, sigma: number, strength: number, readings: number): Incident {
    const deviation = value - expected;
    return {
      kind,
      since,
      value,
      expected,
      deviation,
      sigma,
      direction: deviation >= 0 ? 'up' : 'down',
      strength,
      severity: strength < 2 ? 'low' : strength < 5 ? 'medium' : 'high',
      readings,
    };
  }

  private result(
    _score: number,
    level: number,
    ready: boolean,
    expected: number,
    transition: 'start' | 'end' | undefined,
    incident: Incident | undefined,
  ): IncidentStep {
    const s = this.s;
    // The score ranks what the detector decided first: a reading that starts an incident scores
    // 0.5 or more (by how far past its limit the test was), every other reading under 0.5, as
    // half the level scorer's onset score over its limit. Ranking by the decisions holds on data
    // the limits were not tuned on far better than ranking by the onset score alone, whose
    // spread differs from key to key (NAB, each category scored with the threshold chosen on the others).
    const onset = this.scored && this.scored.ready ? this.scored.score : 0;
    const out = transition === 'start' && incident ? this.levelOf(Math.max(1, incident.strength)) : 0.5 * Math.min(STILL_UNDER, onset / this.levelLimit);
    const step = this.step;
    step.score = out;
    step.level = level;
    step.ready = ready;
    step.expected = expected;
    step.sigma = s.scale;
    step.transition = transition;
    step.incident = incident;
    return step;
  }
}

/** Whether saved data has the state's shape (a snapshot from another version or a corrupt store is not used). */
function isIncidentState(x: unknown): x is IncidentState {
  const o = x as Partial<IncidentState> | null;
  return (
    !!o &&
    typeof o === 'object' &&
    typeof o.n === 'number' &&
    Number.isFinite(o.n) &&
    typeof o.level === 'number' &&
    Array.isArray(o.season) &&
    o.season.length === SEASON_BINS &&
    o.season.every((v) => typeof v === 'number') &&
    (o.day === undefined || (Array.isArray(o.day) && o.day.length === DAY_BINS)) &&
    (o.dayStep === undefined || (Array.isArray(o.dayStep) && o.dayStep.length === DAY_BINS))
  );
}

/** A copy of saved state; JSON stores NaN (nothing seen yet) as null. */
function revive(saved: IncidentState): IncidentState {
  const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
  // State saved before the detector stopped keeping its onset levels and peak still carries them: left behind.
  const { onsets: _onsets, peak: _peak, ...state } = saved as IncidentState & { onsets?: unknown; peak?: unknown };
  return {
    ...state,
    eqRun: num(state.eqRun) || 0,
    afterEq: num(state.afterEq) || 0,
    prev: num(state.prev),
    prevTime: num(state.prevTime),
    arrival: num(state.arrival),
    interval: num(state.interval),
    cand: state.cand && { ...state.cand },
    open: state.open && { ...state.open },
    season: [...state.season],
    day: Array.isArray(state.day) ? state.day.map(num) : new Array(DAY_BINS).fill(NaN),
    dayBin: num(state.dayBin),
    dayRef: num(state.dayRef),
    dayStep: Array.isArray(state.dayStep) ? state.dayStep.map(num) : new Array(DAY_BINS).fill(NaN),
    dayStepRef: num(state.dayStepRef),
    dayShort: num(state.dayShort),
    // Present from the start (NaN: none yet), so every state has the same shape.
    stuckValue: num(state.stuckValue),
    stuckEnd: num(state.stuckEnd),
    tail: reviveTail(state.tail),
    varTail: state.varTail === undefined ? undefined : reviveTail(state.varTail),
    // The scorer's state lives in the scorer, not twice.
    scorer: undefined,
  };
}

// A reading asks for its time of day several times (profile, day reference, learning), and the
// remainder of a large double is a slow library call: it is taken once per event time, and for
// whole milliseconds (every clock's times) by integer arithmetic, exact below 2^52.
let msOfDayFor = NaN;
let msOfDayWas = 0;

/** Milliseconds since midnight UTC of an event time. */
function msOfDay(time: number): number {
  if (time !== msOfDayFor) {
    msOfDayFor = time;
    if (time > 0 && time < 4503599627370496 && Math.floor(time) === time) {
      // The quotient may round to a neighbour; the product and difference are exact integers.
      let r = time - Math.floor(time / 86400000) * 86400000;
      if (r < 0) r += 86400000;
      else if (r >= 86400000) r -= 86400000;
      msOfDayWas = r;
    } else msOfDayWas = ((time % 86400000) + 86400000) % 86400000;
  }
  return msOfDayWas;
}

/** The day-reference bin of an event time (UTC). */
function dayBin(time: number): number {
  const b = Math.floor(msOfDay(time) / DAY_BIN_MS);
  return b >= DAY_BINS ? DAY_BINS - 1 : b;
}

/** The daily-profile bin of an event time (UTC). */
function seasonBin(time: number): number {
  const b = Math.floor(msOfDay(time) / SEASON_BIN_MS);
  return b >= SEASON_BINS ? SEASON_BINS - 1 : b;
}

/** A sentence for an operator: what happened, since when, how far from normal. */
export function describeIncident(inc: Incident): string {
  // Two significant digits of σ decide the decimals: 1013.27 ± 0.25 hPa, 520 ± 6 ppm.
  const decimals = inc.sigma > 0 ? Math.max(0, Math.min(6, 1 - Math.floor(Math.log10(inc.sigma)))) : 2;
  const f = (x: number): string => x.toFixed(decimals);
  const sig = inc.sigma > 0 ? Math.abs(inc.deviation) / inc.sigma : 0;
  const dev = `${inc.deviation >= 0 ? '+' : '−'}${f(Math.abs(inc.deviation))} (${sig.toFixed(1)} σ)`;
  switch (inc.kind) {
    case 'spike':
      return `spike: one reading of ${f(inc.value)} where ${f(inc.expected)} ± ${f(inc.sigma)} was expected, ${dev}`;
    case 'dip':
      return `dip: one reading of ${f(inc.value)} where ${f(inc.expected)} ± ${f(inc.sigma)} was expected, ${dev}`;
    case 'shift':
      return `level shift ${inc.direction}: readings stay near ${f(inc.value)} instead of ${f(inc.expected)} ± ${f(inc.sigma)}, ${dev}`;
    case 'drift':
      return `drift ${inc.direction}: readings move steadily away from ${f(inc.expected)} ± ${f(inc.sigma)}, now ${f(inc.value)}, ${dev}`;
    case 'stuck':
      return `stuck: the same reading ${f(inc.value)} ${inc.readings} times in a row, more than this sensor's noise allows`;
    case 'variance':
      return `${inc.direction === 'up' ? 'noisier' : 'quieter'} than usual: readings scatter ${inc.direction === 'up' ? 'far more' : 'far less'} from one to the next than the typical ${f(inc.sigma)}`;
    case 'silence':
      return `silence: no reading for ${inc.readings} typical intervals; last reading ${f(inc.value)}`;
  }
}
