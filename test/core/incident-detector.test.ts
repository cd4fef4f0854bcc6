import { strict as assert } from 'assert';
import {
  IncidentDetector,
  IncidentState,
  calibratedLimit,
  describeIncident,
  learnTail,
  newTail,
  normalLogTail,
  normalQuantileAbove,
  normalTail,
} from '../../src/core/detectors';
import { seededGaussian as gaussian, seededUniform } from '../support/seeded-random';

const SECOND = 1000;

function stream(n: number, seed: number): number[] {
  const g = gaussian(seed);
  return Array.from({ length: n }, (_, i) => 20 + 0.2 * g() + (i >= 900 && i < 1000 ? 5 : 0) + (i === 1300 ? -9 : 0));
}

describe('incident detector', () => {
  it('a snapshot taken mid-stream, through JSON, continues exactly as the uninterrupted detector', () => {
    const xs = stream(1500, 1);
    const straight = new IncidentDetector();
    const all = xs.map((v, i) => straight.update(i * SECOND, v));
    const first = new IncidentDetector();
    for (let i = 0; i < 950; i++) first.update(i * SECOND, xs[i]);
    const saved = JSON.parse(JSON.stringify(first.snapshot())) as IncidentState;
    const resumed = new IncidentDetector({}, saved);
    for (let i = 950; i < xs.length; i++) assert.deepEqual(resumed.update(i * SECOND, xs[i]), all[i], `reading ${i}`);
    assert.deepEqual(
      all.filter((s) => s.transition === 'start').map((s) => s.incident!.kind),
      ['shift', 'dip'],
    );
  });

  it('the score is 0.5 or more exactly where an incident starts, and ranks the other readings under it', () => {
    const d = new IncidentDetector();
    const steps = stream(1500, 1).map((v, i) => d.update(i * SECOND, v));
    const starts = steps.map((s, i) => (s.transition === 'start' ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(
      steps.map((s, i) => (s.score >= 0.5 ? i : -1)).filter((i) => i >= 0),
      starts,
    );
    assert.ok(starts.length === 2, starts.join(' '));
    // Below 0.5 the level scorer still says how odd a reading looks.
    assert.ok(steps.some((s) => s.transition !== 'start' && s.score > 0.1));
  });

  it('state saved with the onset levels and peak of older versions restores, continues alike and saves without them', () => {
    const xs = stream(1500, 2);
    const first = new IncidentDetector();
    for (let i = 0; i < 950; i++) first.update(i * SECOND, xs[i]);
    const saved = JSON.parse(JSON.stringify(first.snapshot())) as IncidentState;
    const older = { ...saved, onsets: [20.1, 25.2], peak: 3.5 } as IncidentState;
    const a = new IncidentDetector({}, saved);
    const b = new IncidentDetector({}, older);
    for (let i = 950; i < xs.length; i++) assert.deepEqual(b.update(i * SECOND, xs[i]), a.update(i * SECOND, xs[i]), `reading ${i}`);
    assert.ok(!('onsets' in b.snapshot()) && !('peak' in b.snapshot()));
  });

  it('a snapshot of another shape is not used: the detector starts afresh', () => {
    const d = new IncidentDetector({}, { n: 5, level: 1, season: [1, 2] } as unknown as IncidentState);
    assert.equal(d.update(0, 3).ready, false);
    assert.ok(Number.isNaN(d.interval));
  });

  it('silence opens once after five typical intervals without a reading and ends with the next reading', () => {
    const d = new IncidentDetector();
    for (let i = 0; i < 100; i++) d.update(i * SECOND, 20);
    assert.equal(d.idle(103 * SECOND), undefined);
    const s = d.idle(104 * SECOND)!;
    assert.equal(s.transition, 'start');
    assert.equal(s.incident!.since, 100 * SECOND);
    assert.equal(d.idle(200 * SECOND), undefined);
    assert.equal(d.update(300 * SECOND, 20).transition, 'end');
  });

  it('the budget sets the limits: more false alerts allowed per week, lower limits', () => {
    const xs = stream(1500, 2);
    const count = (falseAlertsPerWeek: number): number => {
      const d = new IncidentDetector({ falseAlertsPerWeek });
      return xs.filter((v, i) => d.update(i * SECOND, v + (i % 97 === 0 && i > 200 ? 1.2 : 0)).transition === 'start').length;
    };
    assert.ok(count(10000) > count(1), `${count(10000)} vs ${count(1)}`);
  });

  it('reasons name the kind and give the deviation in units and σ', () => {
    const text = describeIncident({
      kind: 'spike',
      since: 0,
      value: 38.2,
      expected: 21.4,
      deviation: 16.8,
      sigma: 0.15,
      direction: 'up',
      strength: 30,
      severity: 'high',
      readings: 1,
    });
    assert.equal(text, 'spike: one reading of 38.20 where 21.40 ± 0.15 was expected, +16.80 (112.0 σ)');
  });

  it('normal tails: the log tail matches the tail where both are accurate, and the quantile inverts it', () => {
    for (const z of [1, 2, 3, 4]) assert.ok(Math.abs(normalLogTail(z) - Math.log(normalTail(z))) < 1e-9);
    assert.ok(Math.abs(normalLogTail(6) - Math.log(9.8658765e-10)) < 1e-3);
    for (const p of [0.025, 1e-4, 1e-7, 1e-12]) assert.ok(Math.abs(normalLogTail(normalQuantileAbove(p)) - Math.log(p)) < 1e-6);
  });

  it('a tail as the nominal limits assume keeps the nominal limit; a key with frequent bursts gets a limit above them', () => {
    const budget = 1e-4;
    const u = seededUniform(3);
    // Nominal: P(x > v) = budget^v.
    const tame = newTail();
    for (let i = 0; i < 20000; i++) learnTail(tame, Math.log(1 - u()) / Math.log(budget), budget);
    assert.ok(calibratedLimit(tame, budget) < 1.05, String(calibratedLimit(tame, budget)));
    // Every 12th reading reaches 8 times the nominal limit: that is this key's normal.
    const bursty = newTail();
    for (let i = 0; i < 20000; i++) learnTail(bursty, i % 12 === 0 ? 8 + u() : Math.log(1 - u()) / Math.log(budget), budget);
    assert.ok(calibratedLimit(bursty, budget) > 9, String(calibratedLimit(bursty, budget)));
    // One wild reading on a tame key moves the limit little.
    learnTail(tame, 100, budget);
    assert.ok(calibratedLimit(tame, budget) < 1.2, String(calibratedLimit(tame, budget)));
  });

  it('hourly bursts at 5-minute readings stop alerting once learned; a burst three times their size still alerts', () => {
    const g = gaussian(4);
    const minute = 60 * SECOND;
    const d = new IncidentDetector();
    const starts: number[] = [];
    for (let i = 0; i < 6000; i++) {
      const v = 30 + g() + (i % 12 === 7 ? 40 : 0) + (i === 5503 ? 120 : 0);
      if (d.update(i * 5 * minute, v).transition === 'start') starts.push(i);
    }
    const late = starts.filter((i) => i >= 2000 && (i < 5503 || i > 5505));
    assert.deepEqual(late, [], `alerts after learning: ${late.join(' ')}`);
    assert.ok(starts.includes(5503) || starts.includes(5504), `alerts: ${starts.join(' ')}`);
  });

  it('a daily step the day before repeats without alerts; a spike on top of it still alerts', () => {
    const g = gaussian(5);
    const day = 288;
    const d = new IncidentDetector();
    const starts: number[] = [];
    for (let i = 0; i < 12 * day; i++) {
      const v = 20 + g() + (i % day >= 100 && i % day < 200 ? 50 : 0) + (i === 10 * day + 20 ? 80 : 0);
      if (d.update(i * 300 * SECOND, v).transition === 'start') starts.push(i);
    }
    const repeats = starts.filter((i) => i >= 3 * day && (i < 10 * day + 20 || i > 10 * day + 30));
    assert.deepEqual(repeats, [], `alerts on repeated days: ${repeats.join(' ')}`);
    assert.ok(
      starts.some((i) => i >= 10 * day + 20 && i <= 10 * day + 26),
      `alerts: ${starts.join(' ')}`,
    );
  });

  it('a key flat from its start, or flat most of the time, is flat by nature: its runs are not stuck', () => {
    const flat = new IncidentDetector();
    const kinds: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const step = flat.update(i * 300 * SECOND, 7);
      if (step.transition === 'start') kinds.push(step.incident!.kind);
    }
    assert.deepEqual(kinds, []);
    // A square wave: half a day at one value, half a day at another.
    const wave = new IncidentDetector();
    const waveKinds: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const step = wave.update(i * 300 * SECOND, Math.floor(i / 144) % 2 ? 80 : 0);
      if (step.transition === 'start' && i >= 1000) waveKinds.push(step.incident!.kind);
    }
    assert.ok(!waveKinds.includes('stuck'), waveKinds.join(' '));
  });

  it('a stuck run that resumes its value after a reading or two off is the same incident, one alert', () => {
    const g = gaussian(7);
    const d = new IncidentDetector();
    const starts: { i: number; kind: string }[] = [];
    for (let i = 0; i < 3000; i++) {
      // Stuck at 20.13 for 2000–2059 and 2062–2119 (two readings off between), and again at 2500–2559 after a long break.
      const stuck = (i >= 2000 && i < 2060) || (i >= 2062 && i < 2120) || (i >= 2500 && i < 2560);
      const v = stuck ? 20.13 : Math.round((20 + 0.15 * g()) * 100) / 100;
      const step = d.update(i * SECOND, v);
      if (step.transition === 'start') starts.push({ i, kind: step.incident!.kind });
    }
    const stuck = starts.filter((s) => s.kind === 'stuck');
    assert.equal(stuck.filter((s) => s.i >= 2000 && s.i < 2120).length, 1, JSON.stringify(starts));
    assert.equal(stuck.filter((s) => s.i >= 2500 && s.i < 2560).length, 1, JSON.stringify(starts));
  });

  it('a sensor stuck from its start neither teaches its noise nor hides a later stuck run', () => {
    const g = gaussian(6);
    const d = new IncidentDetector();
    const starts: { i: number; kind: string }[] = [];
    for (let i = 0; i < 4000; i++) {
      // Stuck for its first 110 readings, then noisy readings around another level, then stuck again.
      const v = i < 110 ? 22.45 : i >= 3000 && i < 3060 ? 20.13 : Math.round((20 + 0.15 * g()) * 100) / 100;
      const step = d.update(i * SECOND, v);
      if (step.transition === 'start') starts.push({ i, kind: step.incident!.kind });
    }
    const quieter = starts.filter((s) => s.kind === 'variance' && s.i > 1000);
    assert.deepEqual(quieter, [], JSON.stringify(starts));
    assert.ok(
      starts.some((s) => s.kind === 'stuck' && s.i >= 3000 && s.i < 3060),
      JSON.stringify(starts),
    );
  });

  it('the time-of-day bin of whole, fractional, pre-1970 and near-midnight event times is the remainder formula', () => {
    const DAY = 86400000;
    const u = seededUniform(11);
    const d = new IncidentDetector();
    let t = -3 * DAY - 0.25;
    for (let i = 0; i < 3000; i++) {
      // Steps that land just before, on and after midnight, now whole, now fractional milliseconds.
      const r = u();
      if (r < 0.3) t = (Math.floor(t / DAY) + 1) * DAY + Math.floor(u() * 3) - 1;
      else if (r < 0.5) t += u() * 1000;
      else t = Math.floor(t) + Math.floor(u() * 40 * DAY);
      if (i % 500 === 0) t += 2 ** 40;
      d.update(t, 20 + u());
      if (i < 2) continue;
      const expected = Math.min(287, Math.floor((((t % DAY) + DAY) % DAY) / (DAY / 288)));
      assert.equal(d.snapshot().dayBin, expected, `time ${t}`);
    }
  });
});
