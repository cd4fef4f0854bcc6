import { strict as assert } from 'assert';
import fc from 'fast-check';
import { AssignerProtocol, type Cluster } from 'kafkajs';
import { coPartitionedAssignment } from '../../src/connectors/co-partitioned-assignment';
import { CO_PARTITIONED_PROTOCOL, CoPartitionedAssigner } from '../../src/connectors/co-partitioned-assigner';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('coPartitionedAssignment (partition p of every topic to one member)', () => {
  it('two topics of 3 partitions, 2 members: each member gets whole partition numbers, members sorted by id', () => {
    const got = coPartitionedAssignment(
      [
        { memberId: 'm-b', topics: ['left', 'right'] },
        { memberId: 'm-a', topics: ['left', 'right'] },
      ],
      new Map([
        ['right', [2, 0, 1]],
        ['left', [0, 1, 2]],
      ]),
    );
    assert.deepEqual(Object.fromEntries(got), {
      'm-a': { left: [0, 2], right: [0, 2] },
      'm-b': { left: [1], right: [1] },
    });
  });

  it('topics of different partition counts: the numbers both have go together, the rest go round on', () => {
    const got = coPartitionedAssignment(
      ['x', 'y'].map((memberId) => ({ memberId, topics: ['a', 'b'] })),
      new Map([
        ['a', range(3)],
        ['b', range(4)],
      ]),
    );
    assert.deepEqual(Object.fromEntries(got), { x: { a: [0, 2], b: [0, 2] }, y: { a: [1], b: [1, 3] } });
  });

  it('a member that does not read a topic gets none of it; a member with no partitions is still listed', () => {
    const got = coPartitionedAssignment(
      [
        { memberId: 'a', topics: ['t'] },
        { memberId: 'b', topics: ['t', 'u'] },
        { memberId: 'c', topics: ['t', 'u'] },
      ],
      new Map([
        ['t', [0]],
        ['u', range(2)],
      ]),
    );
    assert.deepEqual(Object.fromEntries(got), { a: { t: [0] }, b: { u: [0] }, c: { u: [1] } });
    assert.deepEqual(Object.fromEntries(coPartitionedAssignment([{ memberId: 'z' }], new Map())), { z: {} });
    assert.equal(coPartitionedAssignment([], new Map([['t', [0]]])).size, 0);
  });

  it('property: every partition assigned exactly once, the same member for the same number across topics, numbers balanced, deterministic', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 1, max: 12 }), { minKeys: 1 }),
        fc.boolean(),
        (ids, counts, equal) => {
          const topics = Object.keys(counts);
          const n = equal ? counts[topics[0]] : undefined;
          const partitions = new Map(topics.map((t) => [t, range(n ?? counts[t])]));
          const members = ids.map((memberId) => ({ memberId, topics }));
          const got = coPartitionedAssignment(members, partitions);
          assert.deepEqual([...got.keys()].sort(), [...ids].sort());
          const owner = new Map<string, string>();
          const numberOwner = new Map<number, string>();
          for (const [member, a] of got) {
            for (const [topic, parts] of Object.entries(a)) {
              assert.deepEqual(
                parts,
                [...parts].sort((x, y) => x - y),
                'partitions ascending',
              );
              for (const p of parts) {
                const tp = `${topic}:${p}`;
                assert.equal(owner.has(tp), false, `${tp} assigned twice`);
                owner.set(tp, member);
                assert.equal(numberOwner.get(p) ?? member, member, `partition number ${p} split across members`);
                numberOwner.set(p, member);
              }
            }
          }
          for (const [topic, parts] of partitions) for (const p of parts) assert.ok(owner.has(`${topic}:${p}`), `${topic}:${p} unassigned`);
          const perMember = ids.map((id) => [...numberOwner.values()].filter((m) => m === id).length);
          assert.ok(Math.max(...perMember) - Math.min(...perMember) <= 1, `numbers per member ${perMember}`);
          const again = coPartitionedAssignment([...members].reverse(), new Map([...partitions].reverse()));
          assert.deepEqual(Object.fromEntries(again), Object.fromEntries(got), 'the same whatever order members and topics come in');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('CoPartitionedAssigner (the kafkajs side)', () => {
  const cluster = (counts: Record<string, number>) =>
    ({ findTopicPartitionMetadata: (t: string) => range(counts[t] ?? 0).map((partitionId) => ({ partitionId })) }) as unknown as Cluster;

  it("announces the member's topics, assigns from the members' announced topics, and encodes what kafkajs decodes", async () => {
    const c = cluster({ a: 3, b: 3 });
    const one = new CoPartitionedAssigner();
    const two = new CoPartitionedAssigner();
    const logger = {} as never;
    const a1 = one.create({ cluster: c, groupId: 'g', logger });
    const a2 = two.create({ cluster: c, groupId: 'g', logger });
    const p1 = a1.protocol({ topics: ['a', 'b'] });
    const p2 = a2.protocol({ topics: ['a', 'b'] });
    assert.equal(p1.name, CO_PARTITIONED_PROTOCOL);
    assert.deepEqual(one.partitionCounts(), { a: 3, b: 3 });
    const members = [
      { memberId: 'm2', memberMetadata: p2.metadata },
      { memberId: 'm1', memberMetadata: p1.metadata },
      // Metadata that cannot be read: the member takes any topic.
      { memberId: 'm3', memberMetadata: Buffer.from([1]) },
    ];
    const out = await a1.assign({ members, topics: ['a', 'b'] });
    const decoded = Object.fromEntries(out.map((o) => [o.memberId, AssignerProtocol.MemberAssignment.decode(o.memberAssignment)?.assignment]));
    assert.deepEqual(decoded, { m1: { a: [0], b: [0] }, m2: { a: [1], b: [1] }, m3: { a: [2], b: [2] } });
  });

  it('is offered first, round robin after it for a group with a member that lacks it', () => {
    const a = new CoPartitionedAssigner();
    const names = a.withFallback().map((f) => f({ cluster: cluster({}), groupId: 'g', logger: {} as never }).name);
    assert.deepEqual(names, [CO_PARTITIONED_PROTOCOL, 'RoundRobinAssigner']);
  });

  it('partition counts leave out topics the metadata does not know, and a client whose metadata is not loaded', () => {
    const a = new CoPartitionedAssigner();
    assert.deepEqual(a.partitionCounts(), {});
    a.create({ cluster: cluster({ a: 2 }), groupId: 'g', logger: {} as never }).protocol({ topics: ['a', 'gone'] });
    assert.deepEqual(a.partitionCounts(), { a: 2 });
    const b = new CoPartitionedAssigner();
    const broken = {
      findTopicPartitionMetadata: () => {
        throw new Error('Topic metadata not loaded');
      },
    } as unknown as Cluster;
    b.create({ cluster: broken, groupId: 'g', logger: {} as never }).protocol({ topics: ['a'] });
    assert.deepEqual(b.partitionCounts(), {});
  });
});
