import { ConfigError, InputError, toError } from '../core/errors';
import { decodePayload } from '../connectors/payload-format';
import { toEventMessage, type EventMessage } from '../connectors/event-mapping';
import { parseKafkaInConfig, type KafkaBrokerNode, type KafkaInSettings } from '../connectors/kafka-config';
import {
  describePermanentError,
  isPermanentError,
  type ConsumedBatch,
  type ConsumedRecord,
  type KafkaConsumerConnection,
  type KafkaState,
} from '../connectors/kafka-connection';
import { OffsetTracker, type CommitPoint } from '../connectors/offset-tracker';
import { HandledTracker } from '../connectors/handled-tracker';
import { ConsumerGroups } from '../connectors/consumer-groups';
import { shortError, type LinkState } from '../connectors/connection-status';
import { connectorStatus, statusCount } from './shared/node-status';
import { connectionHint, permanentErrorStatus } from './shared/connection-hint';
import { hooksOf, type ConnectorRedAPI, type CredentialNode } from '../connectors/node-red-api';
import { KafkaStateSource } from '../connectors/kafka-state-source';
import { KafkaChangelog, changelogTopic } from '../connectors/kafka-changelog';
import { partitionSources } from '../connectors/partition-sources';
import { ThrottledStatus } from './shared/throttled-status';
import { connectorSetup } from './shared/connector-setup';
import type { BaseNodeConfig, NodeMessage } from './shared/red';
import { text, useCatalog } from './shared/i18n';
import { localInputError } from './shared/input-error';
import { metricsWhenOn } from './shared/metrics-when-on';

type Headers = Record<string, string | string[]>;

function headersOf(r: ConsumedRecord): Headers {
  const out: Headers = {};
  const h = r.headers;
  // for-in rather than Object.entries: most records have no headers, and no array per record.
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => x.toString()) : v.toString();
  }
  return out;
}

/** Maps a Kafka record to the event message; throws InputError for a payload or field that cannot be used. */
function recordToMessage(r: ConsumedRecord, s: KafkaInSettings, assigned: readonly number[] | undefined, source: string | undefined): EventMessage {
  const payload = decodePayload(r.value, s.format);
  const headers = headersOf(r);
  const key = r.key === null ? null : r.key.toString('utf8');
  const msg = toEventMessage({ topic: r.topic, payload, recordKey: key, recordTime: r.timestamp, arrival: Date.now(), metadata: headers }, s.key, s.time);
  msg.headers = headers;
  msg.key = key;
  msg.partition = r.partition;
  msg.offset = r.offset;
  // assigned: the partitions of this topic this reader owns, so window nodes downstream keep
  // one watermark per partition (one array shared by the messages of an assignment).
  // source: the reader's node id, where window nodes downstream find it (partition-sources.ts).
  msg.kafka = { topic: r.topic, partition: r.partition, offset: r.offset, key, timestamp: r.timestamp, assigned, source };
  return msg;
}

/** A partition as the reader has fetched, handed out and handled it (offsets: the next one of each). */
interface Position {
  /** The end of the log at the last fetch. */
  end: number;
  /** Every record before it is handled. */
  handled: number;
  /** Every record before it was handed to the flow. */
  handedOut: number;
  /** Every entry before it was fetched and handed out or passed over: transaction markers and aborted records are never handed out. */
  fetched: number;
}

/**
 * Records of the partition the flow has not finished. Once it has handled every record handed
 * out, the entries fetched behind them that are never handed out (a transaction's commit marker
 * after its last record) count as done: a partition of a transactional topic read to its end
 * has no lag and can turn idle, though its handled position stays one short of the log end.
 */
function unhandled(p: Position): number {
  const done = p.handled >= p.handedOut ? Math.max(p.handled, p.fetched) : p.handled;
  return p.end > done ? p.end - done : 0;
}

// Bytes one fetch returns per partition at most (the client's default is 1 MiB).
const FETCH_BYTES_PER_PARTITION = 256 * 1024;
// How often window nodes fed by a reader write their state to their changelogs (ms): the commit
// of a partition moves at most this often while its keys hold open windows.
const CHECKPOINT_EVERY = 2000;
/**
 * The batch's records through offset `last` were handed to the flow. Only a batch handed out
 * whole lets the flow pass the entries fetched behind its last record (transaction markers,
 * aborted records), up to where the fetch reached.
 */
function handedOutThrough(p: Position, b: { records: { offset: string }[]; lastOffset: string }, last: string): void {
  p.handedOut = Number(last) + 1;
  p.fetched = last === b.records[b.records.length - 1].offset ? Math.max(p.handedOut, Number(b.lastOffset) + 1) : p.handedOut;
}

// How long handled positions gather before they are committed (ms). Committing as soon as the
// last commit returned sent one request per few records when records finish one by one (one
// message per record): the requests cost more CPU than the records. A crash redelivers at most
// this much more; a rebalance and a close commit at once.
const COMMIT_EVERY = 100;
// How long the last checkpoint on close waits for messages in flight to be handled (ms).
const CLOSE_CHECKPOINT_WAIT = 3000;

export = (RED: ConnectorRedAPI) => {
  const groups = new ConsumerGroups();

  function StreamKafkaIn(this: CredentialNode, config: BaseNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    // A message per record: Node-RED's metric events for each would be built and dropped.
    metricsWhenOn(node);
    const setup = connectorSetup<KafkaBrokerNode, KafkaInSettings>(RED, node, config, {
      brokerType: 'stream-kafka-broker',
      usable: (b) => b.connection !== undefined,
      parse: (c) => {
        const settings = parseKafkaInConfig(c);
        if (!hooksOf(RED)) throw ConfigError.of('commitMode', 'noMessageHooks');
        return settings;
      },
    });
    if (!setup) return;
    const { broker, settings: s } = setup;
    const connection = broker.connection!;
    const groupKey = `${broker.connection!.options.brokers.join(',')}|${s.groupId}`;
    const topicList = s.topics.map(String).sort().join(', ');
    const others = groups.join(groupKey, node.id, topicList);
    if (others.length) {
      const members = others.map((o) => text(node.type, 'warning.groupMember', { id: o.nodeId, topics: o.topics })).join(', ');
      node.warn(text(node.type, 'warning.groupShared', { group: s.groupId, members, topics: topicList }));
    }

    let consumer: KafkaConsumerConnection | undefined;
    let state: KafkaState = 'connecting';
    let lastError: string | undefined;
    let received = 0;
    let bad = 0;
    let manualPause = false;
    let backpressured = false;
    let closing = false;
    let attempt = 0;
    // Processing time read once per batch (and after each wait), for the handled timeout.
    let clock = Date.now();
    let timedOut = 0;
    let sweepTimer: ReturnType<typeof setInterval> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    // Per partition: the end of the log at the last fetch and the position the flow has handled
    // up to (its next record), so the lag shown counts records the flow has not finished.
    const positions = new Map<string, Position>();
    const offsets = new OffsetTracker();
    // Topic → the partitions of it this member owns (sorted, frozen: shared by every message).
    const assignment = new Map<string, readonly number[]>();
    // Completion is observed for backpressure in both modes, and drives commits in "handled" mode.
    // Hooks named per node instance: on a redeploy whose close outlasts Node-RED's close
    // timeout, the old instance's late clean-up removes its own hooks, not its successor's.
    // Message ids: the tracker's own, a random prefix per node start and its slot, unique like
    // Node-RED's own but without drawing random bytes per record.
    const handled = new HandledTracker(hooksOf(RED)!, `streamKafkaIn_${node.id}_${RED.util.generateId()}`, RED.util.generateId());
    const pendingCommits = new Map<string, CommitPoint>();
    let committing: Promise<void> | undefined;
    // Committing after handling: window nodes downstream keep their state per partition in a
    // changelog, and a partition's commit waits for it (kafka-state-source.ts).
    let stateSource: KafkaStateSource | undefined;
    let checkpointTimer: ReturnType<typeof setInterval> | undefined;
    let producer: ReturnType<typeof connection.producer> | undefined;
    if (s.commitMode === 'handled') {
      stateSource = new KafkaStateSource(
        node.id,
        (ownerId) =>
          new KafkaChangelog(
            connection,
            changelogTopic(s.groupId, ownerId),
            (producer ??= connection.producer({ idempotent: true, partitioner: 'default' })),
            connection.options.requestTimeout,
          ),
        (topic, partition) => positions.get(`${partition}\u0000${topic}`)?.end,
        () => offsets.inFlightEnds(),
        5 * CHECKPOINT_EVERY,
        // Lag from what the flow has handled: records fetched and waiting for room, in flight,
        // or not fetched yet. Such a partition is waiting its turn, not idle.
        (topic, partition) => {
          const p = positions.get(`${partition}\u0000${topic}`);
          return p !== undefined && unhandled(p) > 0;
        },
      );
      partitionSources.register(stateSource);
    }
    const sourceId = stateSource ? node.id : undefined;
    // Set while a batch waits for room; called when records finish, on pause and on close.
    let roomFreed: (() => void) | undefined;

    const status = new ThrottledStatus(node, () => {
      const shown: LinkState = state === 'connected' && (manualPause || backpressured) ? 'paused' : state;
      const t = (key: string, n: number): string => statusCount(node.type, key, n);
      const detail = [t('msgs', received)];
      let total = 0;
      for (const p of positions.values()) total += unhandled(p);
      if (state === 'connected' || shown === 'paused') detail.push(t('lagRecords', total));
      if (offsets.inFlight) detail.push(t('inFlight', offsets.inFlight));
      if (bad) detail.push(t('bad', bad));
      if (timedOut) detail.push(t('timedOut', timedOut));
      return connectorStatus(node.type, shown, detail, lastError);
    });

    let commitTimer: ReturnType<typeof setTimeout> | undefined;
    const flushCommits = (): Promise<void> => {
      if (commitTimer) {
        clearTimeout(commitTimer);
        commitTimer = undefined;
      }
      if (committing) return committing;
      if (!pendingCommits.size || !consumer) return Promise.resolve();
      const points = [...pendingCommits.values()];
      pendingCommits.clear();
      const c = consumer;
      committing = c
        .commit(points)
        .catch((err: Error) => {
          // A commit refused during a rebalance is harmless for at-least-once: the new owner
          // starts from the last commit that succeeded and the records are redelivered. A
          // partition kept through the rebalance is committed again, unless a later point
          // replaced it: nothing else would, when no more records come.
          node.debug?.(`commit failed: ${err.message}`);
          for (const p of points) if (!pendingCommits.has(p.id!) && assignment.get(p.topic)?.includes(p.partition)) pendingCommits.set(p.id!, p);
        })
        .finally(() => {
          committing = undefined;
          if (pendingCommits.size && consumer === c) {
            if (closing) void flushCommits();
            else laterCommit();
          }
        });
      return committing;
    };

    const commit = (p: CommitPoint | undefined): void => {
      if (!p) return;
      const pos = positions.get(p.id!);
      if (pos) pos.handled = p.position!;
      if (s.commitMode !== 'handled') return;
      const c = stateSource ? stateSource.cap(p) : p;
      if (!c) return;
      pendingCommits.set(c.id!, c);
      laterCommit();
    };

    // Commits what has gathered after COMMIT_EVERY, unless a commit is on its way (it calls again when done).
    const laterCommit = (): void => {
      if (commitTimer || committing || closing) return;
      commitTimer = setTimeout(() => {
        commitTimer = undefined;
        void flushCommits();
      }, COMMIT_EVERY);
    };

    const wakeWaiter = (): void => {
      const w = roomFreed;
      roomFreed = undefined;
      w?.();
    };

    const completed = (records: ConsumedRecord[]): void => {
      for (const r of records) commit(offsets.complete(r.topic, r.partition, r.offset));
      freed();
    };
    // One record's message handled: the per-record path, without an array per record.
    const completedOne = (r: ConsumedRecord): void => {
      commit(offsets.complete(r.topic, r.partition, r.offset));
      freed();
    };
    const freed = (): void => {
      // Resume at half the limit, so a full flow is refilled in chunks rather than record by record.
      if (roomFreed && offsets.inFlight <= s.maxInFlight / 2) wakeWaiter();
      status.touch();
    };

    const reportBad = (r: ConsumedRecord, err: unknown): void => {
      bad++;
      const e = err instanceof InputError ? err : InputError.of('payload', 'asThrown', { message: toError(err).message });
      // A source node has no done(): node.error with a message is what a Catch node hears.
      node.error(localInputError(node.type, e), {
        topic: r.topic,
        payload: r.value,
        partition: r.partition,
        offset: r.offset,
        kafka: { topic: r.topic, partition: r.partition, offset: r.offset },
      } as NodeMessage);
    };

    const sendTracked = <T>(msg: NodeMessage, onHandled: (what: T) => void, what: T): void => {
      handled.track(msg, onHandled, clock, what);
      node.send(msg);
      handled.sent(msg);
    };

    /**
     * Backpressure without giving fetched records back: when maxInFlight messages are
     * unfinished, the batch being delivered waits here until half of them are done, keeping the
     * group session alive meanwhile. The client fetches nothing more while a batch is being
     * handled, so nothing is fetched twice and memory stays bounded by one fetch. Returns false
     * when the batch must stop (revoked, paused by msg.pause, consumer stopping); its remaining
     * records are then fetched again by whoever owns the partition next.
     */
    const roomFor = async (b: ConsumedBatch): Promise<boolean> => {
      if (offsets.inFlight < s.maxInFlight) return b.active() && !closing;
      backpressured = true;
      status.touch();
      try {
        while (offsets.inFlight > s.maxInFlight / 2) {
          if (!b.active() || closing) return false;
          let timer: ReturnType<typeof setTimeout> | undefined;
          await new Promise<void>((resolve) => {
            roomFreed = resolve;
            timer = setTimeout(resolve, s.heartbeatInterval);
          });
          clearTimeout(timer);
          roomFreed = undefined;
          clock = Date.now();
          // Throws when the group rebalances: the client then rejoins and this batch ends.
          await b.heartbeat();
        }
      } finally {
        backpressured = false;
        status.touch();
      }
      return b.active() && !closing;
    };

    const eachBatch = async (b: ConsumedBatch): Promise<void> => {
      if (!b.records.length) return;
      clock = Date.now();
      const assigned = assignment.get(b.topic);
      // Keyed like the offset tracker's partitions, so a commit point finds its entry.
      const id = `${b.partition}\u0000${b.topic}`;
      let pos = positions.get(id);
      if (pos) pos.end = Number(b.highWatermark);
      else {
        const first = Number(b.records[0].offset);
        positions.set(id, (pos = { end: Number(b.highWatermark), handled: first, handedOut: first, fetched: first }));
      }
      if (s.output === 'batch') {
        if (!(await roomFor(b))) return;
        const events: EventMessage[] = [];
        const good: ConsumedRecord[] = [];
        for (const r of b.records) {
          offsets.add(r.topic, r.partition, r.offset);
          received++;
          try {
            events.push(recordToMessage(r, s, assigned, sourceId));
            good.push(r);
          } catch (err) {
            reportBad(r, err);
            completed([r]);
          }
        }
        if (events.length) {
          sendTracked(
            {
              batch: true,
              topic: b.topic,
              payload: events,
              kafka: {
                topic: b.topic,
                partition: b.partition,
                firstOffset: good[0].offset,
                lastOffset: good[good.length - 1].offset,
                highWatermark: b.highWatermark,
                assigned,
                source: sourceId,
              },
            },
            completed,
            good,
          );
        }
        const last = b.records[b.records.length - 1].offset;
        b.resolve(last);
        handedOutThrough(pos, b, last);
      } else {
        // The client learns how far the batch got before each wait and at its end (not per
        // record): that is where it fetches again should the batch stop early.
        let delivered: string | undefined;
        // Revokes, pauses and stops reach this loop only while it awaits (in roomFor, which
        // checks), so the batch is checked once here rather than per record.
        if (!b.active() || closing) return;
        for (const r of b.records) {
          if (offsets.inFlight >= s.maxInFlight) {
            if (delivered !== undefined) b.resolve(delivered);
            if (!(await roomFor(b))) break;
          }
          offsets.add(r.topic, r.partition, r.offset);
          received++;
          delivered = r.offset;
          let msg: EventMessage;
          try {
            msg = recordToMessage(r, s, assigned, sourceId);
          } catch (err) {
            reportBad(r, err);
            completed([r]);
            continue;
          }
          sendTracked(msg as NodeMessage, completedOne, r);
        }
        if (delivered !== undefined) {
          b.resolve(delivered);
          handedOutThrough(pos, b, delivered);
        }
      }
      status.touch();
      await b.heartbeat();
    };

    // Window nodes write their state and the commits that waited for it follow.
    const checkpoint = (): Promise<void> => {
      if (!stateSource || !stateSource.ownerCount) return Promise.resolve();
      return stateSource.checkpoint().then((points) => {
        for (const p of points) pendingCommits.set(p.id!, p);
        return flushCommits();
      });
    };

    const onState = (st: KafkaState, err?: Error): void => {
      // Partitions may move: store what the windows hold now, so their next owner replays little.
      if (st === 'rebalancing' && state !== 'rebalancing') {
        void checkpoint();
        // The positions handled so far belong to this member until the partitions move.
        void flushCommits();
      }
      state = st;
      if (st === 'connected') lastError = undefined;
      else if (err) lastError = isPermanentError(err) ? permanentErrorStatus(node.type, describePermanentError(err, broker!.label)) : shortError(err);
      status.refresh();
    };

    const onAssigned = (assigned: Record<string, number[]>, counts?: Record<string, number>): void => {
      assignment.clear();
      stateSource?.setAssignment(assigned, counts);
      for (const [t, parts] of Object.entries(assigned)) assignment.set(t, Object.freeze([...parts].sort((a, b) => a - b)));
      // Records of partitions now owned by another member will be redelivered there.
      for (const p of offsets.partitions()) {
        if (!assigned[p.topic]?.includes(p.partition)) offsets.revoke(p.topic, p.partition);
      }
      for (const k of [...positions.keys()]) {
        const i = k.indexOf('\u0000');
        if (!assigned[k.slice(i + 1)]?.includes(Number(k.slice(0, i)))) positions.delete(k);
      }
      // A position gathered for a partition that moved must not overwrite its new owner's commits.
      for (const [k, p] of pendingCommits) if (!assigned[p.topic]?.includes(p.partition)) pendingCommits.delete(k);
      if (roomFreed && offsets.inFlight <= s.maxInFlight / 2) wakeWaiter();
      status.refresh();
    };

    // A fetch held only transaction markers or aborted records: nothing to hand out, but the
    // flow has handled the partition that far once it has handled what came before.
    const onSkipped = (topic: string, partition: number, next: number, highWatermark: number): void => {
      if (!Number.isSafeInteger(next) || !Number.isSafeInteger(highWatermark)) return;
      const id = `${partition}\u0000${topic}`;
      const pos = positions.get(id);
      if (pos) {
        pos.end = Math.max(pos.end, highWatermark);
        pos.fetched = Math.max(pos.fetched, next);
      } else if (assignment.get(topic)?.includes(partition)) positions.set(id, { end: highWatermark, handled: next, handedOut: next, fetched: next });
      status.touch();
    };

    // Refused credentials or an untrusted certificate: retrying would only repeat the refusal.
    const fail = (err: Error): void => {
      const d = describePermanentError(err, broker!.label);
      state = 'failed';
      lastError = permanentErrorStatus(node.type, d);
      node.error(text(node.type, 'error.consumerStopped', { message: err.message, hint: connectionHint(node.type, d) }));
      status.refresh();
    };

    const start = async (): Promise<void> => {
      retryTimer = undefined;
      if (closing) return;
      const c = connection.consumer({
        groupId: s.groupId,
        sessionTimeout: s.sessionTimeout,
        heartbeatInterval: s.heartbeatInterval,
        rebalanceTimeout: s.rebalanceTimeout,
        maxWaitTime: s.maxWaitTime,
        // Small fetches per partition: partitions take turns in smaller steps, so their event
        // times stay closer together, and a revoked or paused partition throws little away.
        maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
      });
      consumer = c;
      c.on('state', onState);
      c.on('assigned', onAssigned);
      c.on('skipped', onSkipped);
      c.on('crash', (err: Error, restarting: boolean) => {
        if (restarting || closing || consumer !== c) return;
        if (isPermanentError(err)) return fail(err);
        retry(c, err);
      });
      try {
        await c.start({ topics: s.topics, fromBeginning: s.fromBeginning, autoCommit: s.commitMode === 'auto', eachBatch });
        attempt = 0;
        if (manualPause) c.pause();
      } catch (err) {
        if (closing || consumer !== c) return;
        if (isPermanentError(err)) return fail(err as Error);
        retry(c, err as Error);
      }
    };

    // start() handles what the consumer reports; anything thrown before that is still reported.
    const startSafely = (): void => {
      start().catch((err) => node.error(text(node.type, 'error.consumerNotStarted', { message: toError(err).message })));
    };

    // The broker may be down at deploy or vanish for longer than the library retries: start over
    // with a fresh consumer, backing off up to the broker's maxRetryTime, and say so in the status meanwhile.
    const retry = (c: KafkaConsumerConnection, err: Error): void => {
      consumer = undefined;
      c.stop().catch(() => undefined);
      offsets.clear();
      positions.clear();
      state = 'disconnected';
      lastError = shortError(err);
      status.refresh();
      const delay = Math.min(broker!.retry.maxRetryTime, broker!.retry.initialRetryTime * 2 ** Math.min(attempt++, 10));
      retryTimer = setTimeout(startSafely, delay);
    };

    node.on('input', (msg, _send, done) => {
      if (msg.pause) {
        manualPause = true;
        consumer?.pause();
        wakeWaiter();
      } else if (msg.resume) {
        manualPause = false;
        consumer?.resume();
      } else {
        done(localInputError(node.type, InputError.of('msg.pause', 'pauseOrResume')));
        return;
      }
      status.refresh();
      done();
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      wakeWaiter();
      groups.leave(groupKey, node.id);
      if (retryTimer) clearTimeout(retryTimer);
      if (sweepTimer) clearInterval(sweepTimer);
      if (checkpointTimer) clearInterval(checkpointTimer);
      if (commitTimer) clearTimeout(commitTimer);
      const c = consumer;
      const finish = () => {
        consumer = undefined;
        if (stateSource) {
          partitionSources.unregister(stateSource);
          producer?.disconnect().catch(() => undefined);
        }
        handled.dispose();
        status.close();
        done();
      };
      // A last checkpoint, so the partitions' next owner restores everything and replays
      // nothing; given up when what is in flight does not finish while the flow stops.
      const giveUp = setTimeout(() => stateSource?.abandonWait(), CLOSE_CHECKPOINT_WAIT);
      checkpoint()
        .finally(() => clearTimeout(giveUp))
        .catch(() => undefined)
        .then(flushCommits)
        // Positions that gathered while the last commit was on its way.
        .then(flushCommits)
        .then(() => (c ? c.stop() : undefined))
        .then(finish, finish);
    });

    // A message some node never finishes (dropped without done()) would hold its partition's
    // commit, and the backpressure limit, for ever: after handledTimeout it counts as handled.
    if (s.handledTimeout > 0) {
      sweepTimer = setInterval(
        () => {
          const n = handled.expire(Date.now() - s.handledTimeout);
          if (!n) return;
          if (!timedOut) {
            node.warn(text(node.type, 'warning.handledTimeout', { n, timeout: s.handledTimeout }));
          }
          timedOut += n;
          status.touch();
        },
        Math.max(50, Math.min(10000, Math.floor(s.handledTimeout / 4))),
      );
    }

    if (stateSource) {
      const timed = stateSource;
      checkpointTimer = setInterval(() => {
        if (timed.checkpointDue(Date.now(), CHECKPOINT_EVERY)) void checkpoint().catch(() => undefined);
      }, CHECKPOINT_EVERY);
    }

    status.refresh();
    startSafely();
  }
  useCatalog(RED, 'stream-kafka-in');
  RED.nodes.registerType('stream-kafka-in', StreamKafkaIn);
};
