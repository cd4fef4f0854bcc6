import { CollectedEvent, collectedEvent } from '../core/collect-events';
import { ConfigError } from '../core/errors';
import { oneOf } from '../core/option-checks';
import { SEQUENCE_CONTIGUITIES, SKIP_STRATEGIES } from '../core/setting-values';
import { SequenceOperator, SequenceResult } from '../core/sequence/sequence-operator';
import { operatorHost } from './shared/operator-host';
import { Emissions } from './shared/emissions';
import { failOnConfig } from './shared/config-error';
import { compileEventMapper } from './shared/event-mapper';
import { RedAPI, RedNode } from './shared/red';
import { text, useCatalog } from './shared/i18n';
import { WindowConfig, keyLimit, optionalDuration, optionalLimit, parseFutureSettings } from './shared/window-config';
import { WindowHost } from './shared/window-host';
import { parseSequenceSettings } from './shared/sequence-config';
import { windowRecordOf } from './shared/window-node';

interface SequenceNodeConfig extends WindowConfig {
  keyProperty?: unknown;
  valueProperty?: unknown;
  timeProperty?: unknown;
  timeMode?: unknown;
  store?: unknown;
  steps?: unknown;
  within?: unknown;
  contiguity?: unknown;
  skip?: unknown;
  maxPartialMatches?: unknown;
  outputs?: unknown;
}

export = (RED: RedAPI) => {
  function StreamSequence(this: RedNode, config: SequenceNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    let host: WindowHost<unknown, unknown, unknown>;
    try {
      const mapper = compileEventMapper(config, { RED, node });
      const ports = Number(config.outputs === undefined || config.outputs === '' ? 1 : config.outputs);
      if (ports !== 1 && ports !== 2) throw ConfigError.of('outputs', 'sequencePorts', { got: String(config.outputs) });
      const { steps, within, maxPartialMatches: maxPartial } = parseSequenceSettings(config);
      const idleTimeout = optionalDuration(config.idleTimeout, 'idleTimeout');
      // A match, or (timedOut) a partial match that ran out of time.
      const emitted = new Emissions<{ r: SequenceResult<CollectedEvent>; timedOut: boolean }>(({ r, timedOut }, ctx) => {
        const payload: Record<string, CollectedEvent[]> = {};
        for (const s of r.steps) payload[s.name] = s.events.map((e) => e.value);
        const msg = host.resultMessage(
          r.key,
          payload,
          'sequence',
          { key: r.key, start: r.start, end: r.end, steps: r.steps.map((s) => s.name), timedOut },
          ctx,
        );
        // The previous reader of the key's partition may have sent it.
        if (host.mayRepeat(r.key, r.start)) (msg.sequence as Record<string, unknown>).replay = true;
        if (timedOut) ctx.send([null, msg]);
        else ctx.send(ports === 2 ? [msg, null] : msg);
      });
      const maxOutOfOrder = optionalDuration(config.maxOutOfOrder, 'maxOutOfOrder');
      const operator = new SequenceOperator<CollectedEvent>({
        steps,
        within,
        contiguity: oneOf(config.contiguity, 'contiguity', SEQUENCE_CONTIGUITIES, 'relaxed'),
        skip: oneOf(config.skip, 'skip', SKIP_STRATEGIES, 'past-last-event'),
        timeMode: mapper.timeMode,
        maxOutOfOrder,
        ...parseFutureSettings(config),
        clock: () => Date.now(),
        // A Kafka partition its reader still has records of is not idle.
        sourceBusy: (source, topic) => host.sourceBusy(source, topic),
        idleTimeout,
        maxKeys: keyLimit(config.maxKeys),
        maxPartialMatches: maxPartial,
        maxEventsPerWindow: optionalLimit(config.maxEventsPerWindow, 'maxEventsPerWindow'),
        onMatch: (r) => emitted.push({ r, timedOut: false }),
        onTimeout: ports === 2 ? (r) => emitted.push({ r, timedOut: true }) : undefined,
      });
      const toRecord = windowRecordOf(mapper);
      host = operatorHost({
        node,
        operator,
        emitted,
        store: config.store,
        maxOutOfOrder,
        time: mapper,
        idleTimeout,
        openLabel: 'partial',
        mapper,
        statusText: () =>
          text(node.type, 'status.matched', { count: operator.matched }) +
          (operator.timeouts ? ` · ${text(node.type, 'status.timedOut', { count: operator.timeouts })}` : ''),
        // Conditions read the record { timestamp, topic, payload } (payload = the value property), as in window messages.
        event: (msg, now) => {
          const time = mapper.time(msg, now);
          return { key: mapper.key(msg), time, value: collectedEvent(toRecord(msg), time) };
        },
      });
    } catch (err) {
      failOnConfig(node, err);
      return;
    }
    node.on('input', (msg, send, done) => host.input(msg, send, done));
    node.on('close', (removed, done) => host.close(removed, done));
  }
  useCatalog(RED, 'stream-sequence');
  RED.nodes.registerType('stream-sequence', StreamSequence);
};
