/**
 * Calendar windows: tumbling windows cut at local calendar boundaries of a named IANA time zone
 * (days, weeks from Monday, or shifts such as 06:00/14:00/22:00), so a day is 23 or 25 hours long
 * when daylight saving time starts or ends. Fixed-size windows with an offset cannot do this: the
 * offset of a zone changes twice a year. The zone's offset comes from Intl (the time zone data
 * Node.js ships), a pure function of the instant.
 */
import { ConfigError } from '../errors';
import { TimeWindow } from '../types';

export type CalendarUnit = 'day' | 'week' | 'shifts';

/** The calendar units a tumbling window can follow, in the order the editor lists them. */
export const CALENDAR_UNITS: readonly CalendarUnit[] = ['day', 'week', 'shifts'];

/** A calendar window setting: the unit, the zone, and for shifts their start times (minutes after midnight, ascending). */
export interface CalendarSpec {
  unit: CalendarUnit;
  timeZone: string;
  shifts?: number[];
}

const MINUTE = 60000;
const DAY = 86400000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at instant `t` in ms (+3600000 for Berlin in winter). */
export function zoneOffset(t: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(t));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  // The format has whole seconds: compare with t rounded down to its second.
  return local - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * The instant of local wall time `localMs` (a local date and time written as if it were UTC).
 * A time skipped when the clocks go forward gives the instant the clocks jumped (02:30 → 03:00);
 * a time that happens twice when they go back gives the first one.
 */
export function localToInstant(localMs: number, timeZone: string): number {
  // Offsets 12 hours apart cover every transition a zone has on one day.
  const before = localMs - zoneOffset(localMs - 12 * 3600000, timeZone);
  const after = localMs - zoneOffset(localMs + 12 * 3600000, timeZone);
  const candidates = [before, after].filter((t) => t + zoneOffset(t, timeZone) === localMs).sort((a, b) => a - b);
  if (candidates.length) return candidates[0];
  // Skipped local time: the clocks jumped over it. The first instant whose local time is at or
  // after it lies between the two guesses; bisect to the millisecond (about 22 steps).
  let lo = Math.min(before, after);
  let hi = Math.max(before, after);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + zoneOffset(mid, timeZone) >= localMs) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Local midnight (as a UTC-written ms value) of the local day that holds instant `t`. */
function localDay(t: number, timeZone: string): number {
  const local = t + zoneOffset(t, timeZone);
  return local - (((local % DAY) + DAY) % DAY);
}

/** The window boundaries (local, UTC-written) around local day `day`: [start, end) of the window holding `localT`. */
function localWindow(localT: number, day: number, spec: CalendarSpec): [number, number] {
  switch (spec.unit) {
    case 'day':
      return [day, day + DAY];
    case 'week': {
      // 1970-01-01 was a Thursday; weeks start on Monday (ISO 8601).
      const weekday = (Math.floor(day / DAY) + 3) % 7;
      const monday = day - (((weekday % 7) + 7) % 7) * DAY;
      return [monday, monday + 7 * DAY];
    }
    case 'shifts': {
      const shifts = spec.shifts!;
      const minute = (localT - day) / MINUTE;
      let i = shifts.length - 1;
      while (i >= 0 && shifts[i] > minute) i--;
      const start = i >= 0 ? day + shifts[i] * MINUTE : day - DAY + shifts[shifts.length - 1] * MINUTE;
      const end = i + 1 < shifts.length ? day + shifts[i + 1] * MINUTE : day + DAY + shifts[0] * MINUTE;
      return [start, end];
    }
  }
}

/** The calendar window `[start, end)` that holds instant `t`. */
export function assignCalendar(t: number, spec: CalendarSpec): TimeWindow {
  const zone = spec.timeZone;
  const localT = t + zoneOffset(t, zone);
  const [ls, le] = localWindow(localT, localDay(t, zone), spec);
  let start = localToInstant(ls, zone);
  let end = localToInstant(le, zone);
  // Around a transition the local reading of t can fall on the other side of a boundary that
  // happens twice; step to the neighbouring window (at most once each way).
  if (t >= end) {
    start = end;
    end = localToInstant(localWindow(le + 1, localDayOfLocal(le), spec)[1], zone);
  } else if (t < start) {
    end = start;
    start = localToInstant(localWindow(ls - 1, localDayOfLocal(ls - 1), spec)[0], zone);
  }
  return { start, end };
}

function localDayOfLocal(local: number): number {
  return local - (((local % DAY) + DAY) % DAY);
}

/** The end of the calendar window that starts at `start`. */
export function calendarWindowEnd(start: number, spec: CalendarSpec): number {
  return assignCalendar(start, spec).end;
}

/** Reads "06:00,14:00,22:00" into minutes after midnight, ascending; throws ConfigError('shifts'). */
export function parseShifts(text: unknown): number[] {
  const items = String(text ?? '')
    .split(/[\s,;]+/)
    .filter(Boolean);
  if (!items.length) throw ConfigError.of('shifts', 'shiftsRequired');
  const minutes = items.map((s) => {
    const m = /^(\d{1,2}):(\d{2})$/.exec(s);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw ConfigError.of('shifts', 'shiftTime', { got: s });
    return Number(m[1]) * 60 + Number(m[2]);
  });
  const sorted = [...new Set(minutes)].sort((a, b) => a - b);
  if (sorted.length !== minutes.length) throw ConfigError.of('shifts', 'shiftTwice');
  return sorted;
}

/** Checks a calendar setting: unit, an IANA zone Intl knows, shifts for unit shifts; throws ConfigError. */
export function checkCalendar(spec: { unit?: unknown; timeZone?: unknown; shifts?: unknown }): CalendarSpec {
  const unit = spec.unit;
  if (unit !== 'day' && unit !== 'week' && unit !== 'shifts') throw ConfigError.of('calendar', 'calendarUnit', { got: String(unit) });
  const timeZone = typeof spec.timeZone === 'string' && spec.timeZone.trim() ? spec.timeZone.trim() : 'UTC';
  try {
    formatter(timeZone);
  } catch {
    throw ConfigError.of('timeZone', 'timeZoneUnknown', { got: timeZone });
  }
  if (unit !== 'shifts') return { unit, timeZone };
  if (Array.isArray(spec.shifts)) {
    const list = spec.shifts as unknown[];
    const ok =
      list.length > 0 &&
      list.every((m, i) => Number.isInteger(m) && (m as number) >= 0 && (m as number) < 1440 && (i === 0 || (m as number) > (list[i - 1] as number)));
    if (!ok) throw ConfigError.of('shifts', 'shiftMinutes');
    return { unit, timeZone, shifts: list as number[] };
  }
  return { unit, timeZone, shifts: parseShifts(spec.shifts) };
}
