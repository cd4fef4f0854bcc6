import { strict as assert } from 'assert';
import { compileEventMapper } from '../../src/nodes/shared/event-mapper';
import { ConfigError, InputError } from '../../src/core/errors';

describe('event mapper: msg → key, value, time', () => {
  it('reads the default properties and any other one the same way', () => {
    const m = compileEventMapper({});
    const msg = { topic: 'a', payload: 2, timestamp: 1000 };
    assert.deepEqual([m.key(msg), m.value(msg), m.time(msg, 5)], ['a', 2, 1000]);
    // Property names that plain objects also inherit read the message's own value.
    const odd = compileEventMapper({ keyProperty: 'constructor', valueProperty: 'toString', timeProperty: 'valueOf' });
    assert.deepEqual([odd.key({ constructor: 'k' }), odd.value({ toString: 3 }), odd.time({ valueOf: 7 }, 0)], ['k', 3, 7]);
  });

  it('names the property and the type of a value it cannot use', () => {
    const m = compileEventMapper({ keyProperty: 'msg.device' });
    assert.throws(
      () => m.key({ device: { id: 1 } }),
      (e: unknown) => e instanceof InputError && e.property === 'msg.device' && /a key must be a string or a number/.test(e.message),
    );
    assert.throws(
      () => m.time({}, 0),
      (e: unknown) => e instanceof InputError && e.property === 'msg.timestamp',
    );
  });

  it('reads msg paths only when the node lends no sources, and needs no resolve step then', () => {
    const m = compileEventMapper({ keyPropertyType: 'msg', valuePropertyType: '', timePropertyType: undefined });
    assert.equal(m.resolve, undefined);
    assert.throws(
      () => compileEventMapper({ keyPropertyType: 'jsonata', keyProperty: 'topic' }),
      (e: unknown) => e instanceof ConfigError && e.field === 'keyPropertyType' && /use msg$/.test(e.message),
    );
  });
});
