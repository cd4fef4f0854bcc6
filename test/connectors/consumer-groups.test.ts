import { strict as assert } from 'assert';
import { ConsumerGroups } from '../../src/connectors/consumer-groups';

describe('ConsumerGroups (one group id, different topics)', () => {
  it('reports the members of a group whose topics differ, forgets nodes that leave, keeps clusters apart', () => {
    const g = new ConsumerGroups();
    assert.deepEqual(g.join('k1:9092|plant', 'a', 'temps'), []);
    assert.deepEqual(g.join('k1:9092|plant', 'b', 'temps'), [], 'same topics: members scaling out one subscription');
    assert.deepEqual(g.join('k2:9092|plant', 'x', 'alarms'), [], 'same group id on another cluster');
    assert.deepEqual(g.join('k1:9092|plant', 'c', 'alarms'), [
      { nodeId: 'a', topics: 'temps' },
      { nodeId: 'b', topics: 'temps' },
    ]);
    g.leave('k1:9092|plant', 'a');
    g.leave('k1:9092|plant', 'b');
    assert.deepEqual(g.join('k1:9092|plant', 'd', 'alarms'), []);
  });
});
