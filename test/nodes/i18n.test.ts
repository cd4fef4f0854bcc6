import { strict as assert } from 'assert';
import { text, useCatalog } from '../../src/nodes/shared/i18n';
import { RedAPI } from '../../src/nodes/shared/red';

// A type of its own per case: useCatalog keeps one runtime per node type.
const runtime = (translate: (key: string, params?: Record<string, unknown>) => string): RedAPI => ({ _: translate }) as unknown as RedAPI;

describe('runtime text through the message catalog', () => {
  it('speaks through RED._ with the node type prefixed and the parameters passed on', () => {
    const asked: unknown[] = [];
    useCatalog(
      runtime((key, params) => (asked.push([key, params]), `${params?.count} gefiltert`)),
      'stream-filter',
    );
    assert.equal(text('stream-filter', 'status.passed', { count: 3 }), '3 gefiltert');
    assert.deepEqual(asked, [['stream-filter.status.passed', { count: 3 }]]);
  });

  it('answers from the English catalog the package ships where the runtime has none (RED._ gives the key back)', () => {
    useCatalog(
      runtime((key) => key),
      'stream-sequence',
    );
    assert.equal(text('stream-sequence', 'status.matched', { count: 2 }), '2 matched');
    // A shared entry, merged from a fragment the catalog includes.
    assert.equal(text('stream-sequence', 'status.invalidField', { field: 'within' }), 'invalid within');
    // A node registered without a runtime catalog at all.
    assert.equal(text('stream-tumbling-window', 'status.keys', { count: 12 }), '12 keys');
  });

  it('reuses the last text of a key while its parameters are the same, and asks again when they change or the runtime does', () => {
    const asked: unknown[] = [];
    const first = runtime((key, params) => (asked.push(params?.count), `${params?.count} Fenster`));
    useCatalog(first, 'stream-session-window');
    assert.equal(text('stream-session-window', 'status.open', { count: 4 }), '4 Fenster');
    assert.equal(text('stream-session-window', 'status.open', { count: 4 }), '4 Fenster');
    assert.deepEqual(asked, [4], 'the same parameters: no second translation');
    assert.equal(text('stream-session-window', 'status.open', { count: 5 }), '5 Fenster');
    assert.equal(text('stream-session-window', 'status.open', { count: 5, extra: 1 }), '5 Fenster');
    assert.equal(text('stream-session-window', 'status.open', { count: 4 }), '4 Fenster');
    assert.deepEqual(asked, [4, 5, 5, 4]);
    useCatalog(
      runtime((key, params) => `${params?.count} fenêtres`),
      'stream-session-window',
    );
    assert.equal(text('stream-session-window', 'status.open', { count: 4 }), '4 fenêtres', 'a new runtime is asked');
  });

  it('leaves an unknown placeholder as it is and names an unknown key in full, never throwing', () => {
    assert.equal(text('stream-join', 'status.buffered', {}), '__count__ buffered');
    assert.equal(text('stream-join', 'status.nothing'), 'stream-join.status.nothing');
    assert.equal(text('stream-unknown', 'status.keys'), 'stream-unknown.status.keys');
  });
});
