// Small aggregates and a recording operator factory shared by the window core tests.
import { AggregateFunction, Emission, StreamEvent } from '../../src/core/types';
import { WindowOperator, WindowOperatorOptions } from '../../src/core/window-operator';

export interface SumAcc {
  sum: number;
  n: number;
}

/** Sum and count of numbers, as one mutable accumulator. */
export const sumCount: AggregateFunction<number, SumAcc, { sum: number; count: number }> = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (acc, x) => {
    acc.sum += x;
    acc.n++;
    return acc;
  },
  merge: (a, b) => {
    a.sum += b.sum;
    a.n += b.n;
    return a;
  },
  result: (acc) => ({ sum: acc.sum, count: acc.n }),
};

/** Max of numbers with an immutable number accumulator. */
export const maxOf: AggregateFunction<number, number, number | null> = {
  createAccumulator: () => -Infinity,
  add: (acc, x) => (x > acc ? x : acc),
  merge: (a, b) => (b > a ? b : a),
  result: (acc) => (acc === -Infinity ? null : acc),
  toJSON: (acc) => (acc === -Infinity ? null : acc),
  fromJSON: (json) => (json === null ? -Infinity : (json as number)),
};

/** The values themselves in arrival order (to check which events a window holds). */
export const valuesOf: AggregateFunction<number, number[], number[]> = {
  createAccumulator: () => [],
  add: (acc, x) => {
    acc.push(x);
    return acc;
  },
  merge: (a, b) => {
    a.push(...b);
    return a;
  },
  result: (acc) => acc.slice().sort((x, y) => x - y),
};

export type Out<OUT> = Emission<number, OUT>;

/** An operator that records everything it emits. */
export function recording<ACC, OUT>(
  options: Omit<WindowOperatorOptions<number, ACC, OUT>, 'onEmit'>,
): { op: WindowOperator<number, ACC, OUT>; out: Out<OUT>[] } {
  const out: Out<OUT>[] = [];
  const op = new WindowOperator<number, ACC, OUT>({ ...options, onEmit: (e) => out.push(e) });
  return { op, out };
}

export function ev(key: string, time: number, value = 1): StreamEvent<number> {
  return { key, time, value };
}

/** Window emissions as compact tuples [key, start, end, firing, result]. */
export function windows<OUT>(out: Out<OUT>[]): [string, number, number, string, OUT][] {
  const rows: [string, number, number, string, OUT][] = [];
  for (const e of out) if (e.kind === 'window') rows.push([e.window.key, e.window.start, e.window.end, e.window.firing, e.result]);
  return rows;
}
