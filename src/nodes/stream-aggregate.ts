import { InputError, toError } from '../core/errors';
import { AggregateFunction, WindowInfo } from '../core/types';
import { roundResult, roundValue } from '../core/round';
import { processBatch } from './shared/batch';
import { EmitContext } from './shared/emissions';
import { failOnConfig } from './shared/config-error';
import { compileEventMapper } from './shared/event-mapper';
import { JSONataEvaluator, compileJSONata } from './shared/jsonata';
import { isBatch, isWindowMessage, lateMessage } from './shared/messages';
import { NodeMessage, RedAPI, RedNode } from './shared/red';
import { useCatalog } from './shared/i18n';
import { compileOutputProperty } from './shared/output-property';
import { parseOperatorSettings, parseWindowSpec } from './shared/window-config';
import { WindowHost } from './shared/window-host';
import { WindowedNodeConfig } from './shared/window-node';
import { parseAggregateSettings } from './shared/aggregate-config';

interface AggregateNodeConfig extends WindowedNodeConfig {
  aggregations?: unknown;
  output?: unknown;
  having?: unknown;
  dedup?: unknown;
  round?: unknown;
}

type Result = Record<string, unknown>;

export = (RED: RedAPI) => {
  function StreamAggregate(this: RedNode, config: AggregateNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    let host: WindowHost<NodeMessage, unknown, unknown>;
    try {
      // Each aggregation reads its own msg property; the value property is their default path, so a msg one.
      const mapper = compileEventMapper(config, { RED, node, valueTypes: ['msg'] });
      const placeResult = compileOutputProperty(config.outputProperty);
      const { aggregations, output, round } = parseAggregateSettings(config);
      const having: JSONataEvaluator | undefined =
        typeof config.having === 'string' && config.having.trim() ? compileJSONata(RED, node, config.having, 'having') : undefined;
      const spec = parseWindowSpec(config);
      const settings = spec ? parseOperatorSettings(config, spec, mapper.timeMode) : undefined;
      const latePort = settings?.lateData === 'output';
      const firstName = aggregations.names[0];

      const toPayload =
        round === undefined
          ? (result: Result): unknown => (output === 'value' ? result[firstName] : result)
          : (result: Result): unknown => (output === 'value' ? roundValue(result[firstName], round) : roundResult(result, round));
      // A bare value computed without a result object (see `bare`).
      const bareValue = round === undefined ? (r: unknown): unknown => r : (r: unknown): unknown => roundValue(r, round);
      const deliver = (ctx: EmitContext, msg: NodeMessage): void => ctx.send(latePort ? [msg, null] : msg);
      // Without a having condition (which reads the result object), output 'value' windows
      // compute the value itself: no `{ <name>: value }` object per result.
      const bare = output === 'value' && !having;

      // Results leave in the order they were computed, even while a having condition is evaluated.
      let outChain: Promise<void> | undefined;
      // `result` is undefined only when bare (then there is no having condition to read it).
      const emit = (ctx: EmitContext, topic: unknown, payload: unknown, result: Result | undefined, window: WindowInfo): void => {
        const msg = host.windowMessage(topic, payload, window, ctx);
        if (!having) return deliver(ctx, msg);
        // Never rejects: the chain below and the input waiting on it must always settle.
        const evaluate = (): Promise<void> =>
          having(result as Result)
            .then((ok) => {
              if (ok) deliver(ctx, msg);
            })
            .catch((err) => node.error(`having: ${toError(err).message}`, msg));
        outChain = outChain ? outChain.then(evaluate) : evaluate();
        const mine = outChain;
        void mine.then(() => {
          if (outChain === mine) outChain = undefined;
        });
      };

      const checked = (input: NodeMessage): NodeMessage => {
        const err = aggregations.check(input);
        if (err) throw err;
        return input;
      };
      // The core names paths relative to the event; on a message they read as msg.<path>.
      const checkedMsg = (msg: NodeMessage): NodeMessage => {
        const err = aggregations.check(msg);
        if (err) throw err.under('msg');
        return msg;
      };

      // A window message is aggregated at once: no state, same result as the node's own window.
      const aggregateWindow = (msg: NodeMessage & { payload: unknown[]; window: WindowInfo }, ctx: EmitContext): void => {
        let acc = aggregations.createAccumulator();
        let used = 0;
        processBatch(
          msg.payload,
          (record) => {
            const time = record.timestamp;
            acc = aggregations.add(acc, checked(record), typeof time === 'number' ? time : msg.window.start);
            used++;
          },
          () => {
            if (used === 0) return;
            const result = aggregations.result(acc);
            emit(ctx, msg.topic ?? msg.window.key, toPayload(result), result, { ...msg.window, count: used });
          },
        );
      };

      const aggregate: AggregateFunction<NodeMessage, unknown, unknown> = bare ? aggregations.valueAggregate() : aggregations;
      host = new WindowHost({
        node,
        settings,
        aggregate,
        store: typeof config.store === 'string' ? config.store : undefined,
        arrivalTime: mapper.arrivalTime,
        mapper,
        placeResult,
        handle: (msg, ctx, now) => {
          if (isWindowMessage(msg)) aggregateWindow(msg, ctx);
          else if (!settings) {
            throw InputError.of('msg.window', 'aggregateNeedsWindow');
          } else if (isBatch(msg)) {
            processBatch(msg.payload, (item) => host.processValue(mapper.key(item), mapper.time(item, now), checked(item), ctx));
          } else {
            host.processValue(mapper.key(msg), mapper.time(msg, now), checkedMsg(msg), ctx);
          }
          return outChain;
        },
        // Without a having condition a result goes straight out: on a per-event window this runs
        // for every message, and each closure between the operator and send() costs there.
        onResult: having
          ? (window, r, ctx) => emit(ctx, window.key, toPayload(r as Result), r as Result, window)
          : (window, r, ctx) => deliver(ctx, host.windowMessage(window.key, bare ? bareValue(r) : toPayload(r as Result), window, ctx)),
        onLate: (late, ctx) => {
          if (!latePort) return;
          // A batch element is no message of its own: the late port gets a copy of it.
          const original = ctx.msg === undefined || isBatch(ctx.msg) ? undefined : ctx.msg;
          ctx.send([null, lateMessage(late, original, () => ({ ...late.event.value }))]);
        },
      });
    } catch (err) {
      failOnConfig(node, err);
      return;
    }
    node.on('input', (msg, send, done) => host.input(msg, send, done));
    node.on('close', (removed, done) => host.close(removed, done));
  }
  useCatalog(RED, 'stream-aggregate');
  RED.nodes.registerType('stream-aggregate', StreamAggregate);
};
