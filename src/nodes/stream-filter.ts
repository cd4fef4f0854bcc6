import { CollectedEvent, collectEvents } from '../core/collect-events';
import { FilterRule, compileRules } from '../core/conditions';
import { ConfigError, InputError } from '../core/errors';
import { AggregateFunction, WindowInfo } from '../core/types';
import { batchError, forEachInBatch } from './shared/batch';
import { failOnConfig } from './shared/config-error';
import { compileEventMapper } from './shared/event-mapper';
import { JSONataEvaluator, compileJSONata } from './shared/jsonata';
import { isBatch, isWindowMessage, lateMessage } from './shared/messages';
import { NodeMessage, RedAPI, RedNode, SendFn } from './shared/red';
import { WindowConfig, parseOperatorSettings, parseWindowSpec } from './shared/window-config';
import { WindowHost } from './shared/window-host';
import { WindowRecord, windowRecordOf } from './shared/window-node';

interface FilterNodeConfig extends WindowConfig {
  keyProperty?: unknown;
  valueProperty?: unknown;
  timeProperty?: unknown;
  timeMode?: unknown;
  store?: unknown;
  rules?: unknown;
  combine?: unknown;
  outputs?: unknown;
}

/** Stands for a failing event inside the filter's own windows (see onEvent). */
const FAILED: WindowRecord = { payload: undefined };

/** collectEvents, leaving out the placeholders of failing events. */
function passingEvents(): AggregateFunction<WindowRecord, CollectedEvent[], CollectedEvent[]> {
  const collect = collectEvents<WindowRecord>();
  return { ...collect, add: (acc, input, time) => (input === FAILED ? acc : collect.add(acc, input, time)) };
}

/** A rule set that may need Node-RED's (async) JSONata: sync when it does not. */
type Verdict = (input: object) => boolean | Promise<boolean>;

/**
 * Compiles the rules. JSONata rules run through Node-RED's JSONata, which is async in Node-RED 4:
 * inside the compiled predicate they only start their evaluation and answer neutrally (true under
 * all, false under any), so the synchronous rules decide alone when they can, and otherwise the
 * verdict waits for the JSONata results. Rule indices in config errors stay those of the list.
 */
function compileVerdict(RED: RedAPI, node: RedNode, config: FilterNodeConfig): Verdict {
  const rules = config.rules;
  if (!Array.isArray(rules) || rules.length === 0) throw new ConfigError('rules', 'add at least one rule (e.g. payload between 0 and 100)');
  const combine = config.combine === undefined || config.combine === '' ? 'all' : config.combine;
  if (combine !== 'all' && combine !== 'any') throw new ConfigError('combine', `"${String(combine)}" is not allowed; use all or any`);
  const all = combine === 'all';
  let started: Promise<unknown>[] = [];
  let usesJSONata = false;
  const predicate = compileRules<object>(rules as FilterRule[], combine, {
    custom: {
      jsonata: (rule, i) => {
        const expr = typeof rule.value === 'string' ? rule.value.trim() : '';
        if (!expr) throw new ConfigError(`rules[${i}].value`, 'a jsonata rule needs an expression (e.g. payload.t > payload.limit)');
        const evaluate = compileJSONata(RED, node, expr, `rules[${i}].value`);
        usesJSONata = true;
        return (input) => {
          started.push(evaluate(input));
          return all;
        };
      },
    },
  });
  if (!usesJSONata) return predicate;
  return (input) => {
    started = [];
    const decided = predicate(input);
    const pending = started;
    started = [];
    if (pending.length === 0 || decided !== all) {
      for (const p of pending) p.catch(() => undefined);
      return decided;
    }
    return Promise.all(pending).then((values) => (all ? values.every(Boolean) : values.some(Boolean)));
  };
}

export = (RED: RedAPI) => {
  function StreamFilter(this: RedNode, config: FilterNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    let host: WindowHost<WindowRecord, unknown, unknown>;
    let passed = 0;
    let failed = 0;
    let inBatch = false;
    let batchItem: NodeMessage | undefined;
    try {
      const mapper = compileEventMapper(config);
      const verdict = compileVerdict(RED, node, config);
      const spec = parseWindowSpec(config);
      const settings = spec ? parseOperatorSettings(config, spec, mapper.timeMode) : undefined;
      const latePort = settings?.lateData === 'output';
      // Node-RED's `outputs` is the number of ports: passed, failed (optional), late (with lateData output).
      const ports = Number(config.outputs === undefined || config.outputs === '' ? 1 : config.outputs);
      const outputs = ports - (latePort ? 1 : 0);
      if (outputs !== 1 && outputs !== 2) {
        throw new ConfigError('outputs', `${String(config.outputs)} ports do not fit: use 1, or 2 for a port with the failing messages${latePort ? ', plus 1 for late events' : ''}`);
      }
      const to = (send: SendFn, port: number, msg: NodeMessage): void => {
        if (ports === 1) return send(msg);
        const out: Array<NodeMessage | null> = new Array(ports).fill(null);
        out[port] = msg;
        send(out);
      };
      const toRecord = windowRecordOf(mapper);

      // One event: pass → into the window (or straight out), fail → port 2 at once. With a window,
      // a failing event still enters it as a placeholder: it moves the watermark, extends sessions
      // and fills count windows exactly as it would before a window node, so the node's own
      // windows give the same result as a window node followed by this filter.
      const onEvent = (msg: NodeMessage, ok: boolean, send: SendFn, now: number): void => {
        if (settings) host.process({ key: mapper.key(msg), time: mapper.time(msg, now), value: ok ? toRecord(msg) : FAILED });
        if (ok) {
          passed++;
          if (!settings) to(send, 0, msg);
        } else {
          failed++;
          if (outputs === 2) to(send, 1, msg);
        }
      };

      // A window message: its passing records on port 1, failing ones on port 2, one message each.
      const filterWindow = (msg: NodeMessage & { payload: unknown[]; window: WindowInfo }, send: SendFn): void | Promise<void> => {
        const verdicts: Array<boolean | Promise<boolean>> = [];
        const { bad, first } = forEachInBatch(msg.payload, (record) => verdicts.push(verdict(record)));
        const finish = (results: boolean[]): void => {
          const good = msg.payload.filter((r) => r !== null && typeof r === 'object');
          const yes = good.filter((_, i) => results[i]);
          const no = good.filter((_, i) => !results[i]);
          passed += yes.length;
          failed += no.length;
          if (yes.length) to(send, 0, host.windowMessage(msg.topic, yes, { ...msg.window, count: yes.length }));
          if (no.length && outputs === 2) to(send, 1, host.windowMessage(msg.topic, no, { ...msg.window, count: no.length }));
          if (bad) {
            host.countRejected(bad - 1);
            throw batchError(bad, msg.payload.length, first);
          }
        };
        if (verdicts.some((v) => typeof v !== 'boolean')) return Promise.all(verdicts).then(finish);
        finish(verdicts as boolean[]);
      };

      host = new WindowHost<WindowRecord, unknown, unknown>({
        node,
        settings,
        aggregate: settings ? (passingEvents() as never) : undefined,
        store: typeof config.store === 'string' ? config.store : undefined,
        arrivalTime: mapper.arrivalTime,
        mapper,
        statusText: () => `${passed} passed · ${failed} failed`,
        handle: (msg, send, now) => {
          if (isWindowMessage(msg)) return filterWindow(msg, send);
          if (isBatch(msg)) {
            // Without a window a batch stays a batch: one message of passing, one of failing elements.
            const yes: unknown[] = [];
            const no: unknown[] = [];
            inBatch = true;
            let result;
            try {
              result = forEachInBatch(msg.payload, (item) => {
                batchItem = item as NodeMessage;
                const v = verdict(item);
                if (typeof v !== 'boolean') throw new InputError('msg.batch', 'jsonata rules cannot be used on a batch; send the events one by one');
                if (settings) onEvent(item as NodeMessage, v, send, now);
                else (v ? yes : no).push(item);
              });
            } finally {
              inBatch = false;
            }
            const { bad, first } = result;
            if (!settings) {
              passed += yes.length;
              failed += no.length;
              if (yes.length) to(send, 0, { ...msg, payload: yes });
              if (no.length && outputs === 2) to(send, 1, { ...msg, payload: no });
            }
            if (bad) {
              host.countRejected(bad - 1);
              throw batchError(bad, msg.payload.length, first);
            }
            return;
          }
          const v = verdict(msg);
          if (typeof v === 'boolean') return onEvent(msg, v, send, now);
          return v.then((ok) => onEvent(msg, ok, send, Date.now()));
        },
        onResult: (window, result, send) => {
          const events = result as unknown[];
          // A window of failing events only has nothing to send, as a filtered window message.
          if (events.length === 0) return;
          to(send, 0, host.windowMessage(window.key, events, { ...window, count: events.length }));
        },
        onLate: (late, msg, send) => {
          // In a batch the late event is the element being processed (a failing one has no record).
          const original = inBatch ? { ...batchItem } : msg;
          if (latePort) to(send, outputs, lateMessage(late, original, () => ({ ...late.event.value, timestamp: late.event.time })));
        },
      });
    } catch (err) {
      failOnConfig(node, err);
      return;
    }
    node.on('input', (msg, send, done) => host.input(msg, send, done));
    node.on('close', (removed, done) => host.close(removed, done));
  }
  RED.nodes.registerType('stream-filter', StreamFilter);
};
