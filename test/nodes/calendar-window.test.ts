import { strict as assert } from 'assert';
import { deploy, helper, settle, until, values } from './stream-window-support';

const at = (iso: string) => Date.parse(iso);

describe('tumbling window node: calendar windows in a time zone', () => {
  afterEach(async () => {
    await helper.unload();
  });

  it('cuts days at local midnight in Europe/Berlin: 23 hours on 29 March 2026', async () => {
    const d = await deploy('stream-tumbling-window', { calendar: 'day', timeZone: 'Europe/Berlin', timeMode: 'event' });
    d.send({ topic: 'k', payload: 1, timestamp: at('2026-03-28T22:59:00Z') });
    d.send({ topic: 'k', payload: 2, timestamp: at('2026-03-28T23:00:00Z') });
    d.send({ topic: 'k', payload: 3, timestamp: at('2026-03-29T21:59:59Z') });
    d.send({ topic: 'k', payload: 4, timestamp: at('2026-03-29T22:00:00Z') });
    await until(() => d.out[0].length === 2, 'two days');
    assert.deepEqual(
      d.out[0].map((m) => [new Date(m.window.start).toISOString(), new Date(m.window.end).toISOString(), values(m)]),
      [
        ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', [1]],
        ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', [2, 3]],
      ],
    );
  });

  it('cuts shifts in America/New_York: the night shift of 1 November 2026 is 9 hours', async () => {
    const d = await deploy('stream-aggregate', {
      windowType: 'tumbling',
      calendar: 'shifts',
      shifts: '06:00,14:00,22:00',
      timeZone: 'America/New_York',
      timeMode: 'event',
      aggregations: [{ op: 'count' }],
    });
    d.send({ topic: 'k', payload: 1, timestamp: at('2026-11-01T05:30:00Z') });
    d.send({ topic: 'k', payload: 1, timestamp: at('2026-11-01T06:30:00Z') });
    d.send({ topic: 'k', payload: 1, timestamp: at('2026-11-01T11:30:00Z') });
    await until(() => d.out[0].length === 1, 'the night shift');
    assert.deepEqual(
      [d.out[0][0].window.start, d.out[0][0].window.end, d.out[0][0].payload],
      [at('2026-11-01T02:00:00Z'), at('2026-11-01T11:00:00Z'), { count: 2 }],
    );
  });

  it('says which calendar setting is wrong', async () => {
    for (const [config, field] of [
      [{ calendar: 'month' }, 'calendar'],
      [{ calendar: 'day', timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ calendar: 'shifts', shifts: '6' }, 'shifts'],
      [{ calendar: 'day', bounds: '(start,end]' }, 'bounds'],
    ] as const) {
      const d = await deploy('stream-tumbling-window', config);
      await settle();
      assert.equal(d.node.status.lastCall.args[0].text, `invalid ${field}`, JSON.stringify(config));
      await helper.unload();
    }
  });
});
