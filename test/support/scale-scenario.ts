/**
 * The scale-out scenario shared by the integration test and bench:scale: keyed records on a
 * topic of several partitions, tumbling counts per key in Node-RED processes of their own
 * (kafka-flow-process.ts), optionally a join, a leave and a SIGKILL mid-stream; then every
 * window's results, as the processes wrote them, are judged.
 */
import * as fs from 'fs';
import { AssignerProtocol, type Admin, type Kafka, type Producer } from 'kafkajs';
import { startFlowInstance, type FlowInstance } from './kafka-flow-instance';

export interface ScenarioOptions {
  kafka: Kafka;
  brokers: string;
  /** Topic and group names are made unique with it. */
  name: string;
  partitions: number;
  keys: number;
  /** Records per key and window. */
  perWindow: number;
  windows: number;
  /** Processes reading the topic from the start (throughput runs). */
  instances: number;
  /**
   * Throughput runs of several instances: each reads a topic and group of its own, with an equal
   * share of the partitions and keys (the same records in all). The instances then share nothing
   * but the machine and the broker: the most that many processes can reach here, the baseline a
   * group of them is measured against.
   */
  separate?: boolean;
  /** SIGKILL mid-stream instead of a backlog (and a join and leave before it, with `rebalance`). */
  faults: boolean;
  /** With faults: a second process joins mid-stream and leaves again before the SIGKILL. */
  rebalance?: boolean;
  /** With rebalance: the joining process says it is ready this long (ms) before it joins the group. */
  lateJoinMs?: number;
  /**
   * Instead: a backlog read by a process whose flow finishes no record (so no checkpoint is
   * ever written), SIGKILLed once it has sent every result; a second process reads it all again.
   */
  killBeforeCheckpoint?: boolean;
  /** Longest the whole run may take (ms). */
  timeout: number;
  /** The broker's process id, when known: its CPU time over the timed span is reported. */
  brokerPid?: number;
}

export interface ScenarioResult {
  records: number;
  /** From every instance ready (deployed, before it joins the group) until the group has committed every record, s. */
  seconds: number;
  /**
   * Records per second over `seconds`; for throughput runs over the span to the last result
   * instead: the last commit follows it at the next checkpoint (every 2 s), a wait of 0-2 s that
   * does not depend on the work, which would make the comparison of one and two processes a
   * matter of the timer's phase.
   */
  eventsPerSecond: number;
  /**
   * Throughput runs: the records read from the moment every instance had records reaching its
   * flow (group joined, rebalanced, partitions restored) until the last result, per second; the
   * join, rebalance and restore are outside this span.
   */
  steadyEventsPerSecond?: number;
  /** Throughput runs: how long after the last result the group had committed every record, ms. */
  commitAfterLastResultMs?: number;
  /** CPU time (user + system) each instance spent in the timed span, s (Linux; empty elsewhere). */
  cpuSecondsPerProcess: number[];
  /** CPU time the broker spent in the timed span, s, when its process id was given. */
  brokerCpuSeconds?: number;
  windows: number;
  exact: number;
  missing: number;
  partial: number;
  /** Windows with more than one result. */
  duplicated: number;
  /** Extra results not marked msg.window.replay (a repeat nobody was warned of). */
  unmarkedDuplicates: number;
  /** Restore times per partition restored, ms. */
  restoreMsPerPartition: number[];
  /** The windows that were not exactly once: key@window → counts (r = marked replay). */
  notExact: Record<string, string>;
}

const SIZE = 10000;

/** CPU time (user + system) a process has used so far, s; undefined where /proc cannot tell. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name: state is the 1st, utime the 12th and stime the 13th (clock ticks of 1/100 s).
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether the group is stable with `members` members that each own partitions of `topic`: a
 * process that has deployed may not have joined the group yet, and until it has, the other
 * members read every partition.
 */
async function membersOwning(admin: Admin, groupId: string, topic: string, members: number): Promise<boolean> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  if (!g || g.state !== 'Stable' || g.members.length !== members) return false;
  return g.members.every((m) => (AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic]?.length ?? 0) > 0);
}

/** Runs the scenario; stops every process it started, whatever happens. */
export async function runScaleScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const { kafka } = o;
  const admin = kafka.admin();
  // Idempotent: a send retried on a broker that has just started must not write its records twice.
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await admin.connect();
  await producer.connect();
  // Lanes: a topic and group each; one unless the instances read `separate`ly.
  const lanes = o.separate && !o.faults && !o.killBeforeCheckpoint ? o.instances : 1;
  if (o.partitions % lanes !== 0 || o.keys % lanes !== 0)
    throw new Error(`${o.partitions} partitions and ${o.keys} keys do not split into ${lanes} equal shares`);
  const lanePartitions = o.partitions / lanes;
  const laneName = (kind: string, i: number) => (lanes === 1 ? `${o.name}-${kind}` : `${o.name}-${kind}-${i}`);
  const topics = Array.from({ length: lanes }, (_, i) => laneName('in', i));
  const groupIds = Array.from({ length: lanes }, (_, i) => laneName('g', i));
  const [topic] = topics;
  const [groupId] = groupIds;
  const started: FlowInstance[] = [];
  const start = (holdInput?: boolean, lateJoinMs?: number, lane = 0): FlowInstance => {
    const i = startFlowInstance({ brokers: o.brokers, topic: topics[lane], groupId: groupIds[lane], size: `${SIZE}ms`, holdInput, lateJoinMs });
    started.push(i);
    return i;
  };
  const deadline = Date.now() + o.timeout;
  const left = () => Math.max(1000, deadline - Date.now());
  let ended = false;
  try {
    await admin.createTopics({ topics: topics.map((t) => ({ topic: t, numPartitions: lanePartitions })), waitForLeaders: false });
    // kafkajs' own wait for leaders gives up when the broker answers that it does not host the
    // topic yet, which a broker that has just deleted another topic may still do for a while.
    await until(
      () =>
        admin.fetchTopicMetadata({ topics }).then(
          (m) => m.topics.every((t) => t.partitions.length === lanePartitions && t.partitions.every((p) => p.leader >= 0)),
          () => false,
        ),
      left(),
      () => `the leaders of ${topics.join(', ')}`,
    );
    // An hour back, on a window boundary: every event is behind the clock.
    const T0 = Math.floor((Date.now() - 3600000) / SIZE) * SIZE;
    const keys = Array.from({ length: o.keys }, (_, i) => `k${i}`);
    // Key i: lane i mod lanes, and within its lane's topic the partitions in turn.
    const laneOf = (i: number) => i % lanes;
    const partitionOf = (i: number) => Math.floor(i / lanes) % lanePartitions;
    let produced = 0;
    // `perKey` records for every key, the j-th of each key at event time ts(j), each lane's to its topic.
    const sendRecords = async (perKey: number, ts: (j: number) => number) => {
      for (let lane = 0; lane < lanes; lane++) {
        const messages = [];
        for (let j = 0; j < perKey; j++) {
          const value = JSON.stringify({ ts: ts(j) });
          for (const [i, key] of keys.entries()) if (laneOf(i) === lane) messages.push({ key, partition: partitionOf(i), value });
        }
        for (let i = 0; i < messages.length; i += 5000) await producer.send({ topic: topics[lane], messages: messages.slice(i, i + 5000) });
        produced += messages.length;
      }
    };
    const produceWindow = (w: number) => sendRecords(o.perWindow, (j) => T0 + w * SIZE + Math.floor(((j + 0.5) * SIZE) / o.perWindow));
    // One record per key far ahead: every partition's watermark passes the last judged window.
    const closeAll = () => sendRecords(1, () => T0 + (o.windows + 5) * SIZE);
    const outCount = () => started.reduce((n, i) => n + i.results.length, 0);
    let t0: number;
    let cpu0: (number | undefined)[] = [];
    let broker0: number | undefined;
    let steadyFrom: { at: number; seen: number } | undefined;
    if (o.killBeforeCheckpoint) {
      for (let w = 0; w < o.windows; w++) await produceWindow(w);
      await closeAll();
      const a = start(true);
      await a.ready;
      t0 = Date.now();
      await until(
        () => outCount() >= o.keys * o.windows,
        left(),
        () => `every result from the first instance (got ${outCount()})`,
      );
      const [g] = await admin.fetchOffsets({ groupId, topics: [topic] });
      if (g.partitions.some((p) => Number(p.offset) >= 0)) throw new Error(`the first instance committed before its SIGKILL: ${JSON.stringify(g.partitions)}`);
      a.proc.kill('SIGKILL');
      await a.exited;
      await start().ready;
    } else if (!o.faults) {
      for (let w = 0; w < o.windows; w++) await produceWindow(w);
      await closeAll();
      const procs = Array.from({ length: o.instances }, (_, i) => start(false, undefined, lanes > 1 ? i : 0));
      await Promise.all(procs.map((p) => p.ready));
      t0 = Date.now();
      cpu0 = procs.map((p) => cpuSeconds(p.proc.pid));
      broker0 = cpuSeconds(o.brokerPid);
      // Steady from the moment every instance reads: the join, rebalance and restores are over.
      // (The watch ends with the run, should some instance never read.)
      void until(
        () => ended || procs.every((p) => p.seen() > 0),
        left(),
        () => 'every instance to read',
      ).then(
        () => {
          if (!ended) steadyFrom = { at: Date.now(), seen: procs.reduce((n, p) => n + p.seen(), 0) };
        },
        () => undefined,
      );
    } else {
      const a = start();
      await a.ready;
      t0 = Date.now();
      const third = Math.max(1, Math.floor(o.windows / 3));
      for (let w = 0; w < third; w++) await produceWindow(w);
      await until(
        () => a.seen() >= produced,
        left(),
        () => `the first instance to read ${produced} records (seen ${a.seen()})`,
      );
      if (o.rebalance) {
        // Join: a second instance takes half of the partitions mid-stream.
        const b = start(false, o.lateJoinMs);
        await b.ready;
        // Deployed is not joined: records produced before the group has settled may all be read
        // by the first process (it held every partition then), leaving the joining one nothing
        // to receive until the next window, which the scenario produces only after it received.
        await until(
          () => membersOwning(admin, groupId, topic, 2),
          left(),
          () => `both processes to own partitions of ${topic}`,
        );
        await produceWindow(third);
        await until(
          () => b.seen() > 0,
          left(),
          () => 'the joining instance to receive records',
        );
        for (let w = third + 1; w < 2 * third; w++) await produceWindow(w);
        // Leave: the second instance stops cleanly.
        b.proc.kill('SIGTERM');
        await b.exited;
      } else {
        for (let w = third; w < 2 * third; w++) await produceWindow(w);
      }
      await produceWindow(2 * third);
      // Crash: once the windows have been checkpointed and results show the stream moved on
      // past the checkpoint, SIGKILL.
      const committed = async () => {
        const [g] = await admin.fetchOffsets({ groupId, topics: [topic] }).catch(() => [{ partitions: [] as { offset: string }[] }]);
        return g.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      };
      await until(
        async () => (await committed()) > 0,
        left(),
        () => 'a checkpoint (a commit past the start)',
      );
      const before = outCount();
      await produceWindow(2 * third + 1);
      await until(
        () => outCount() >= before + o.keys,
        left(),
        () => 'results after the checkpoint',
      );
      a.proc.kill('SIGKILL');
      await a.exited;
      const c = start();
      await c.ready;
      for (let w = 2 * third + 2; w < o.windows; w++) await produceWindow(w);
    }
    if (o.faults && !o.killBeforeCheckpoint) await closeAll();
    // Done when the group has committed every record: each result was written before that.
    const laneCommitted = async (lane: number) => {
      const [g] = await admin
        .fetchOffsets({ groupId: groupIds[lane], topics: [topics[lane]] })
        .catch(() => [{ partitions: [] as { partition: number; offset: string }[] }]);
      const ends = await admin.fetchTopicOffsets(topics[lane]);
      return ends.every((e) => g.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
    };
    await until(
      async () => (await Promise.all(topics.map((_, lane) => laneCommitted(lane)))).every(Boolean),
      left(),
      () => `group${lanes > 1 ? 's' : ''} ${groupIds.join(', ')} to commit every record`,
    );
    const end = Date.now();
    ended = true;
    const seconds = (end - t0) / 1000;
    const throughputRun = !o.faults && !o.killBeforeCheckpoint;
    const lastResult = Math.max(...started.map((i) => i.lastResultAt()));
    // Throughput runs are timed to the last result (see ScenarioResult.eventsPerSecond).
    const workEnd = throughputRun && lastResult > t0 ? lastResult : end;
    const cpu = cpu0.map((c, i) => {
      const now = cpuSeconds(started[i].proc.pid);
      return c === undefined || now === undefined ? NaN : now - c;
    });
    const brokerNow = cpuSeconds(o.brokerPid);
    const byWindow = new Map<string, { count: number; replay: boolean }[]>();
    for (const r of started.flatMap((i) => i.results)) {
      const w = r.window as { key: string; start: number; replay?: boolean };
      const id = `${w.key}@${(w.start - T0) / SIZE}`;
      const list = byWindow.get(id) ?? [];
      list.push({ count: (r.payload as { count: number }).count, replay: w.replay === true });
      byWindow.set(id, list);
    }
    let exact = 0;
    let missing = 0;
    let partial = 0;
    let duplicated = 0;
    let unmarked = 0;
    const notExact: Record<string, string> = {};
    for (const key of keys) {
      for (let w = 0; w < o.windows; w++) {
        const list = byWindow.get(`${key}@${w}`);
        if (!list) {
          missing++;
          notExact[`${key}@${w}`] = 'missing';
          continue;
        }
        if (list.length > 1 || list[0].count !== o.perWindow) notExact[`${key}@${w}`] = list.map((x) => `${x.count}${x.replay ? 'r' : ''}`).join(' ');
        if (list.some((x) => x.count !== o.perWindow)) partial++;
        else exact++;
        if (list.length > 1) {
          duplicated++;
          // The first may be unmarked: every later one must say it repeats.
          unmarked += list.slice(1).filter((x) => !x.replay).length;
        }
      }
    }
    return {
      records: produced,
      seconds,
      eventsPerSecond: produced / ((workEnd - t0) / 1000),
      steadyEventsPerSecond: steadyFrom && workEnd > steadyFrom.at ? (produced - steadyFrom.seen) / ((workEnd - steadyFrom.at) / 1000) : undefined,
      commitAfterLastResultMs: throughputRun ? end - workEnd : undefined,
      cpuSecondsPerProcess: cpu.filter((c) => Number.isFinite(c)),
      brokerCpuSeconds: broker0 === undefined || brokerNow === undefined ? undefined : brokerNow - broker0,
      windows: keys.length * o.windows,
      exact,
      missing,
      partial,
      duplicated,
      unmarkedDuplicates: unmarked,
      notExact,
      restoreMsPerPartition: started.flatMap((i) => i.restores.filter((r) => r.partitions > 0).map((r) => r.ms / r.partitions)),
    };
  } finally {
    ended = true;
    // Processes given node options (a profiler) end cleanly, so that what they record is written.
    const signal = process.env.STREAM_FLOW_NODE_ARGS ? 'SIGTERM' : 'SIGKILL';
    for (const i of started) if (i.proc.exitCode === null && i.proc.signalCode === null) i.proc.kill(signal);
    await Promise.all(started.map((i) => i.exited));
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
