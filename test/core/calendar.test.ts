import { strict as assert } from 'assert';
import * as fc from 'fast-check';
import { assignCalendar, checkCalendar, localToInstant, parseShifts, zoneOffset, type CalendarSpec } from '../../src/core/assigners/calendar';
import { ConfigError } from '../../src/core/errors';

const at = (iso: string) => Date.parse(iso);
const H = 3600000;
const iso = (w: { start: number; end: number }) => [new Date(w.start).toISOString(), new Date(w.end).toISOString(), (w.end - w.start) / H];
const day = (timeZone: string): CalendarSpec => ({ unit: 'day', timeZone });
const shifts = (timeZone: string, text: string): CalendarSpec => ({ unit: 'shifts', timeZone, shifts: parseShifts(text) });

describe('calendar windows in a time zone', () => {
  it('reads the zone offset from Intl', () => {
    assert.equal(zoneOffset(at('2026-01-15T12:00:00Z'), 'Europe/Berlin'), H);
    assert.equal(zoneOffset(at('2026-07-15T12:00:00Z'), 'Europe/Berlin'), 2 * H);
    assert.equal(zoneOffset(at('2026-07-15T12:00:00.999Z'), 'America/New_York'), -4 * H);
    assert.equal(localToInstant(Date.UTC(2026, 0, 15, 13, 0), 'Europe/Berlin'), at('2026-01-15T12:00:00Z'));
  });

  it('Europe/Berlin: the day clocks go forward has 23 hours, the day they go back 25', () => {
    assert.deepEqual(iso(assignCalendar(at('2026-03-29T12:00:00Z'), day('Europe/Berlin'))), ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 23]);
    assert.deepEqual(iso(assignCalendar(at('2026-10-25T12:00:00Z'), day('Europe/Berlin'))), ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25]);
    // Either side of the transition instant (01:00 UTC) is the same local day.
    assert.deepEqual(assignCalendar(at('2026-03-29T00:59:59Z'), day('Europe/Berlin')), assignCalendar(at('2026-03-29T01:00:00Z'), day('Europe/Berlin')));
    assert.deepEqual(iso(assignCalendar(at('2026-10-25T00:30:00Z'), day('Europe/Berlin'))), ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25]);
  });

  it('America/New_York: 23 hours on 8 March 2026, 25 hours on 1 November 2026', () => {
    assert.deepEqual(iso(assignCalendar(at('2026-03-08T12:00:00Z'), day('America/New_York'))), ['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23]);
    assert.deepEqual(iso(assignCalendar(at('2026-11-01T12:00:00Z'), day('America/New_York'))), ['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25]);
    // Local 01:30 happens twice on 1 November; both belong to that day.
    assert.deepEqual(assignCalendar(at('2026-11-01T05:30:00Z'), day('America/New_York')), assignCalendar(at('2026-11-01T06:30:00Z'), day('America/New_York')));
  });

  it('shifts 06:00/14:00/22:00 in Berlin: the night shift is 7 hours in March and 9 in October', () => {
    const s = shifts('Europe/Berlin', '06:00,14:00,22:00');
    assert.deepEqual(iso(assignCalendar(at('2026-03-29T01:30:00Z'), s)), ['2026-03-28T21:00:00.000Z', '2026-03-29T04:00:00.000Z', 7]);
    assert.deepEqual(iso(assignCalendar(at('2026-03-29T04:00:00Z'), s)), ['2026-03-29T04:00:00.000Z', '2026-03-29T12:00:00.000Z', 8]);
    assert.deepEqual(iso(assignCalendar(at('2026-10-25T01:30:00Z'), s)), ['2026-10-24T20:00:00.000Z', '2026-10-25T05:00:00.000Z', 9]);
    // Before the first shift of a day: the night shift that began the evening before.
    assert.deepEqual(iso(assignCalendar(at('2026-01-10T03:00:00Z'), s)), ['2026-01-09T21:00:00.000Z', '2026-01-10T05:00:00.000Z', 8]);
  });

  it('New York shifts whose start falls in the skipped hour or in the hour that happens twice', () => {
    // 02:30 does not exist on 8 March: that shift starts when the clocks jump (03:00 EDT = 07:00 UTC).
    const spring = shifts('America/New_York', '02:30,14:30');
    assert.deepEqual(iso(assignCalendar(at('2026-03-08T06:59:00Z'), spring)), ['2026-03-07T19:30:00.000Z', '2026-03-08T07:00:00.000Z', 11.5]);
    assert.deepEqual(iso(assignCalendar(at('2026-03-08T07:00:00Z'), spring)), ['2026-03-08T07:00:00.000Z', '2026-03-08T18:30:00.000Z', 11.5]);
    // 01:30 happens twice on 1 November: the shift starts at the first; the second 01:15 is already inside it.
    const fall = shifts('America/New_York', '01:30,13:30');
    assert.deepEqual(iso(assignCalendar(at('2026-11-01T06:15:00Z'), fall)), ['2026-11-01T05:30:00.000Z', '2026-11-01T18:30:00.000Z', 13]);
    assert.deepEqual(iso(assignCalendar(at('2026-11-01T05:29:00Z'), fall)), ['2026-10-31T17:30:00.000Z', '2026-11-01T05:30:00.000Z', 12]);
  });

  it('weeks start on Monday: the week of 29 March 2026 in Berlin has 167 hours', () => {
    assert.deepEqual(iso(assignCalendar(at('2026-03-29T12:00:00Z'), { unit: 'week', timeZone: 'Europe/Berlin' })), [
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      167,
    ]);
    assert.deepEqual(iso(assignCalendar(at('2026-11-04T12:00:00Z'), { unit: 'week', timeZone: 'America/New_York' })), [
      '2026-11-02T05:00:00.000Z',
      '2026-11-09T05:00:00.000Z',
      168,
    ]);
  });

  it('property: windows hold their instant and tile time without gaps or overlaps', () => {
    const specs: CalendarSpec[] = [
      day('Europe/Berlin'),
      day('America/New_York'),
      shifts('Europe/Berlin', '06:00,14:00,22:00'),
      shifts('America/New_York', '01:30,02:30,13:30'),
      { unit: 'week', timeZone: 'Australia/Lord_Howe' },
      day('Asia/Kolkata'),
    ];
    fc.assert(
      fc.property(fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }), fc.constantFrom(...specs), (t, spec) => {
        const w = assignCalendar(t, spec);
        assert.ok(w.start <= t && t < w.end, `${new Date(t).toISOString()} in ${iso(w)}`);
        assert.equal(assignCalendar(w.end, spec).start, w.end, 'the next window starts where this one ends');
        assert.equal(assignCalendar(w.start - 1, spec).end, w.start, 'the previous window ends where this one starts');
      }),
      { numRuns: 300 },
    );
  });

  it('checks its settings and says what is allowed', () => {
    assert.deepEqual(checkCalendar({ unit: 'shifts', timeZone: 'Europe/Berlin', shifts: '22:00, 6:00 14:00' }), {
      unit: 'shifts',
      timeZone: 'Europe/Berlin',
      shifts: [360, 840, 1320],
    });
    assert.deepEqual(checkCalendar({ unit: 'day', timeZone: '' }), { unit: 'day', timeZone: 'UTC' });
    const fails = (spec: object, field: string, re: RegExp) =>
      assert.throws(
        () => checkCalendar(spec),
        (e: unknown) => e instanceof ConfigError && e.field === field && re.test(e.message),
      );
    fails({ unit: 'month', timeZone: 'UTC' }, 'calendar', /use day, week or shifts/);
    fails({ unit: 'day', timeZone: 'Europe/Atlantis' }, 'timeZone', /IANA name/);
    fails({ unit: 'shifts', timeZone: 'UTC', shifts: '25:00' }, 'shifts', /HH:MM/);
    fails({ unit: 'shifts', timeZone: 'UTC', shifts: '' }, 'shifts', /06:00,14:00,22:00/);
    fails({ unit: 'shifts', timeZone: 'UTC', shifts: '06:00,06:00' }, 'shifts', /once/);
  });
});
