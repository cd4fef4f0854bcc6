import { strict as assert } from 'assert';
import * as sinon from 'sinon';
import { ErrorDigest } from '../../src/nodes/shared/error-digest';
import type { RedNode } from '../../src/nodes/shared/red';

describe('ErrorDigest: one line per failure kind and interval', () => {
  let clock: sinon.SinonFakeTimers;
  let lines: Array<[string, Record<string, unknown>]>;
  let digest: ErrorDigest;
  const dropped = { one: 'message dropped: queue full', more: (n: number) => `${n} more messages dropped: queue full` };
  const refused = { one: 'not published: refused', more: (n: number) => `${n} more messages not published: refused` };

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    lines = [];
    const node = { error: (text: string, msg: Record<string, unknown>) => lines.push([text, msg]) } as unknown as RedNode;
    digest = new ErrorDigest(node, 30000);
  });
  afterEach(() => clock.restore());

  it('reports the first failure at once, then the count of each interval with its last message', () => {
    for (let n = 0; n < 150; n++) digest.add('dropped', dropped, { payload: n });
    assert.deepEqual(lines, [['message dropped: queue full', { payload: 0, count: 1 }]]);
    clock.tick(29999);
    assert.equal(lines.length, 1);
    clock.tick(1);
    assert.deepEqual(lines[1], ['149 more messages dropped: queue full', { payload: 149, count: 149 }]);
    digest.add('dropped', dropped, { payload: 150 });
    clock.tick(30000);
    assert.deepEqual(lines[2], ['1 more messages dropped: queue full', { payload: 150, count: 1 }]);
    // A quiet interval ends the run: the next failure is reported at once again.
    clock.tick(30000);
    digest.add('dropped', dropped, { payload: 151 });
    assert.deepEqual(lines[3], ['message dropped: queue full', { payload: 151, count: 1 }]);
    assert.equal(lines.length, 4);
  });

  it('keeps kinds apart and reports what is still counted on close, then nothing more', () => {
    digest.add('dropped', dropped, { payload: 1 });
    digest.add('refused', refused);
    digest.add('dropped', dropped, { payload: 2 });
    digest.add('dropped', dropped, { payload: 3 });
    digest.close();
    assert.deepEqual(
      lines.map(([t, m]) => [t, m.count]),
      [
        ['message dropped: queue full', 1],
        ['not published: refused', 1],
        ['2 more messages dropped: queue full', 2],
      ],
    );
    assert.equal(clock.countTimers(), 0);
  });
});
