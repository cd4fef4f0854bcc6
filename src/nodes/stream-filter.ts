import { CollectedEvent, collectEvents } from '../core/collect-events';
import { compileRules } from '../core/conditions';
import { ConfigError, InputError, toError } from '../core/errors';
import { AggregateFunction, WindowInfo } from '../core/types';
import { batchElement, processBatch } from './shared/batch';
import { EmitContext } from './shared/emissions';
import { failOnConfig } from './shared/config-error';
import { compileEventMapper } from './shared/event-mapper';
import { compileJSONata } from './shared/jsonata';
import { isBatch, isWindowMessage, lateMessage } from './shared/messages';
import { NodeMessage, RedAPI, RedNode } from './shared/red';
import { text, useCatalog } from './shared/i18n';
import { WindowConfig, parseOperatorSettings, parseWindowSpec } from './shared/window-config';
import { WindowHost } from './shared/window-host';
import { WindowRecord, windowRecordOf } from './shared/window-node';
import { filterRuleList, jsonataRuleExpression } from './shared/filter-config';

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

/** Each element's verdict, in order: passed, failed, or the Error that made it unusable. */
type Judged = Array<boolean | Error>;

/**
 * The verdicts of a batch's or window message's elements; a promise when a JSONata rule had to
 * be evaluated. Every evaluation started is awaited here, so none can reject unobserved, and
 * one element's failure leaves the others' verdicts standing.
 */
function judgeAll(items: unknown[], verdict: Verdict): Judged | Promise<Judged> {
  const out: Array<boolean | Error | Promise<boolean | Error>> = new Array(items.length);
  let pending = false;
  for (let i = 0; i < items.length; i++) {
    try {
      const v = verdict(batchElement(items[i], i));
      if (typeof v === 'boolean') out[i] = v;
      else {
        out[i] = v.then((ok) => ok, toError);
        pending = true;
      }
    } catch (err) {
      out[i] = toError(err);
    }
  }
  return pending ? Promise.all(out) : (out as Judged);
}

/**
 * Compiles the rules. JSONata rules run through Node-RED's JSONata, which is async in Node-RED 4:
 * inside the compiled predicate they only start their evaluation and answer neutrally (true under
 * all, false under any), so the synchronous rules decide alone when they can, and otherwise the
 * verdict waits for the JSONata results. Rule indices in config errors stay those of the list.
 */
function compileVerdict(RED: RedAPI, node: RedNode, config: FilterNodeConfig): Verdict {
  const { rules, combine } = filterRuleList(config);
  const all = combine === 'all';
  let started: Promise<unknown>[] = [];
  let usesJSONata = false;
  const predicate = compileRules<object>(rules, combine, {
    custom: {
      jsonata: (rule, i) => {
        const expr = jsonataRuleExpression(rule, i);
        const field = `rules[${i}].value`;
        const evaluate = compileJSONata(RED, node, expr, field);
        // The message decides whether the expression can be evaluated (a string where it compares
        // numbers): a failing evaluation is bad input, named after the rule.
        const failed = (err: Error): never => {
          throw InputError.of(field, 'jsonataRuleFailed', { expression: JSON.stringify(expr), reason: err.message });
        };
        usesJSONata = true;
        return (input) => {
          started.push(evaluate(input).catch(failed));
          return all;
        };
      },
    },
  });
  if (!usesJSONata) return predicate;
  return (input) => {
    started = [];
    let decided: boolean;
    try {
      decided = predicate(input);
    } catch (err) {
      // Evaluations already started must not reject unobserved.
      for (const p of started) p.catch(() => undefined);
      started = [];
      throw err;
    }
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
    let host: WindowHost<WindowRecord, CollectedEvent[], CollectedEvent[]>;
    let passed = 0;
    let failed = 0;
    try {
      const mapper = compileEventMapper(config, { RED, node });
      const verdict = compileVerdict(RED, node, config);
      const spec = parseWindowSpec(config);
      const settings = spec ? parseOperatorSettings(config, spec, mapper.timeMode) : undefined;
      const latePort = settings?.lateData === 'output';
      // Node-RED's `outputs` is the number of ports: passed, failed (optional), late (with lateData output).
      const ports = Number(config.outputs === undefined || config.outputs === '' ? 1 : config.outputs);
      const outputs = ports - (latePort ? 1 : 0);
      if (outputs !== 1 && outputs !== 2) {
        throw ConfigError.of('outputs', latePort ? 'filterPortsLate' : 'filterPorts', { got: String(config.outputs) });
      }
      const to = (ctx: EmitContext, port: number, msg: NodeMessage): void => {
        if (ports === 1) return ctx.send(msg);
        const out: Array<NodeMessage | null> = new Array(ports).fill(null);
        out[port] = msg;
        ctx.send(out);
      };
      const toRecord = windowRecordOf(mapper);

      // One event: pass → into the window (or straight out), fail → port 2 at once. With a window,
      // a failing event still enters it as a placeholder: it moves the watermark, extends sessions
      // and fills count windows exactly as it would before a window node, so the node's own
      // windows give the same result as a window node followed by this filter.
      const onEvent = (msg: NodeMessage, ok: boolean, ctx: EmitContext, now: number): void => {
        if (settings) host.process({ key: mapper.key(msg), time: mapper.time(msg, now), value: ok ? toRecord(msg) : FAILED }, ctx);
        if (ok) {
          passed++;
          if (!settings) to(ctx, 0, msg);
        } else {
          failed++;
          if (outputs === 2) to(ctx, 1, msg);
        }
      };

      // Elements judged: `each` gets the passing and failing ones in order; unusable ones are
      // counted and reported as one error for the message (after `finish` sent the rest).
      const overElements = (items: unknown[], each: (item: NodeMessage, ok: boolean) => void, finish: () => void): void | Promise<void> => {
        // An element the rules could not judge is unusable, as is one that cannot be mapped (its time, its key).
        const apply = (judged: Judged): void =>
          processBatch(
            items,
            (item, i) => {
              const v = judged[i];
              if (typeof v !== 'boolean') throw v;
              each(item, v);
            },
            finish,
          );
        const judged = judgeAll(items, verdict);
        return Array.isArray(judged) ? apply(judged) : judged.then(apply);
      };

      // A window message: its passing records on port 1, failing ones on port 2, one message each.
      const filterWindow = (msg: NodeMessage & { payload: unknown[]; window: WindowInfo }, ctx: EmitContext): void | Promise<void> => {
        const yes: unknown[] = [];
        const no: unknown[] = [];
        return overElements(
          msg.payload,
          (record, ok) => (ok ? yes : no).push(record),
          () => {
            passed += yes.length;
            failed += no.length;
            if (yes.length) to(ctx, 0, host.windowMessage(msg.topic, yes, { ...msg.window, count: yes.length }, ctx));
            if (no.length && outputs === 2) to(ctx, 1, host.windowMessage(msg.topic, no, { ...msg.window, count: no.length }, ctx));
          },
        );
      };

      // Without a window a batch stays a batch: one message of passing, one of failing elements.
      // With one, each element is an event, in order.
      const filterBatch = (msg: NodeMessage & { payload: unknown[] }, ctx: EmitContext, now: number): void | Promise<void> => {
        const yes: unknown[] = [];
        const no: unknown[] = [];
        const each = (item: NodeMessage, ok: boolean): void => {
          if (!settings) (ok ? yes : no).push(item);
          // A late event in a batch goes out as its element (see onLate).
          else onEvent(item, ok, { send: ctx.send, msg: ctx.msg, element: item }, now);
        };
        return overElements(msg.payload, each, () => {
          if (settings) return;
          passed += yes.length;
          failed += no.length;
          if (yes.length) to(ctx, 0, { ...msg, payload: yes });
          if (no.length && outputs === 2) to(ctx, 1, { ...msg, payload: no });
        });
      };

      host = new WindowHost({
        node,
        settings,
        aggregate: settings ? passingEvents() : undefined,
        store: typeof config.store === 'string' ? config.store : undefined,
        arrivalTime: mapper.arrivalTime,
        // Without a window of its own the filter reads no key, time or value: nothing to resolve.
        mapper: settings ? mapper : undefined,
        statusText: () => `${text(node.type, 'status.passed', { count: passed })} · ${text(node.type, 'status.failed', { count: failed })}`,
        handle: (msg, ctx, now) => {
          if (isWindowMessage(msg)) return filterWindow(msg, ctx);
          if (isBatch(msg)) return filterBatch(msg, ctx, now);
          const v = verdict(msg);
          if (typeof v === 'boolean') return onEvent(msg, v, ctx, now);
          return v.then((ok) => onEvent(msg, ok, ctx, Date.now()));
        },
        onResult: (window, events, ctx) => {
          // A window of failing events only has nothing to send, as a filtered window message.
          if (events.length === 0) return;
          to(ctx, 0, host.windowMessage(window.key, events, { ...window, count: events.length }, ctx));
        },
        onLate: (late, ctx) => {
          // In a batch the late event is the element being processed (a failing one has no record).
          const original = ctx.element !== undefined ? { ...ctx.element } : ctx.msg;
          if (latePort)
            to(
              ctx,
              outputs,
              lateMessage(late, original, () => ({ ...late.event.value, timestamp: late.event.time })),
            );
        },
      });
    } catch (err) {
      failOnConfig(node, err);
      return;
    }
    node.on('input', (msg, send, done) => host.input(msg, send, done));
    node.on('close', (removed, done) => host.close(removed, done));
  }
  useCatalog(RED, 'stream-filter');
  RED.nodes.registerType('stream-filter', StreamFilter);
};
