import { strict as assert } from 'assert';
import fc from 'fast-check';
import { KeyTable } from '../../src/core/key-table';

interface State {
  key: string;
  n: number;
}

/** A key equal in content to `key` but a different string object, as a parsed message's key is. */
const fresh = (key: string): string => [...key].join('');

describe('KeyTable: key states with a recent-key cache', () => {
  it('finds a state by a key string made afresh for every lookup', () => {
    const table = new KeyTable<State>();
    for (let i = 0; i < 20; i++) table.set(`sensor-${i}`, { key: `sensor-${i}`, n: i });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) assert.equal(table.get(fresh(`sensor-${i}`))?.n, i);
    }
    assert.equal(table.get('sensor-20'), undefined);
    assert.equal(table.size, 20);
  });

  it('keys sharing a cache slot (same length, same sampled characters) keep their own states', () => {
    const table = new KeyTable<State>();
    // Same length, same last and middle character: the same slot.
    const a = { key: 'xa-m-z', n: 1 };
    const b = { key: 'yb-m-z', n: 2 };
    table.set(a.key, a);
    table.set(b.key, b);
    for (let i = 0; i < 4; i++) {
      assert.equal(table.get(fresh('xa-m-z')), a);
      assert.equal(table.get(fresh('yb-m-z')), b);
    }
  });

  it('forgets a deleted or cleared key even right after it was looked up', () => {
    const table = new KeyTable<State>();
    table.set('a', { key: 'a', n: 1 });
    table.set('b', { key: 'b', n: 2 });
    assert.equal(table.get('a')?.n, 1);
    table.delete('a');
    assert.equal(table.get('a'), undefined);
    assert.equal(table.get('b')?.n, 2);
    table.clear();
    assert.equal(table.get('b'), undefined);
    assert.equal(table.size, 0);
    // A new state under an old key is the one found, not the cached old one.
    table.set('b', { key: 'b', n: 3 });
    assert.equal(table.get('b')?.n, 3);
    // Replacing a cached key's state replaces what the cache answers.
    table.set('b', { key: 'b', n: 4 });
    assert.equal(table.get('b')?.n, 4);
  });

  it('stays correct while it skips the cache for many keys, after a delete in that time, and once it probes again', () => {
    const table = new KeyTable<State>();
    const keys = Array.from({ length: 3000 }, (_, i) => `device-${i}`);
    keys.forEach((k, n) => table.set(k, { key: k, n }));
    // Round-robin over 3,000 keys misses nearly every probe: the table goes to the Map directly.
    for (let i = 0; i < 80_000; i++) assert.equal(table.get(fresh(keys[i % keys.length]))?.n, i % keys.length);
    table.delete('device-7');
    assert.equal(table.get('device-7'), undefined);
    // A few hot keys over a long stretch: past the skipped lookups, probing and caching resume.
    for (let i = 0; i < 100_000; i++) assert.equal(table.get(fresh(keys[i % 3]))?.n, i % 3);
    table.set('device-1', { key: 'device-1', n: -1 });
    assert.equal(table.get(fresh('device-1'))?.n, -1);
  });

  it('answers every get as a plain Map does, whatever the sequence of operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.string({ maxLength: 4 }), n: fc.integer() }),
      fc.record({ kind: fc.constant('get' as const), key: fc.string({ maxLength: 4 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.string({ maxLength: 4 }) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const table = new KeyTable<State>();
        const model = new Map<string, State>();
        for (const o of ops) {
          if (o.kind === 'set') {
            const state = { key: o.key, n: o.n };
            table.set(o.key, state);
            model.set(o.key, state);
          } else if (o.kind === 'get') {
            assert.equal(table.get(fresh(o.key)), model.get(o.key));
          } else if (o.kind === 'delete') {
            table.delete(o.key);
            model.delete(o.key);
          } else {
            table.clear();
            model.clear();
          }
          assert.equal(table.size, model.size);
        }
        assert.deepEqual(
          [...table].map(([k]) => k),
          [...model.keys()],
        );
      }),
    );
  });
});
