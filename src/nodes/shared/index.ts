/**
 * The adapter toolkit every stream processing node is built on. A node file stays thin:
 *
 *   const mapper = compileEventMapper(config);                 // msg → key / value / time
 *   const spec = parseWindowSpec(config, 'tumbling');          // WindowSpec, durations in ms
 *   const settings = parseOperatorSettings(config, spec, mapper.timeMode);
 *   const host = new WindowHost({ node, settings, aggregate, store: config.store,
 *     handle: (msg, ctx, now) => host.process({ key: mapper.key(msg), time: mapper.time(msg, now), value }, ctx),
 *     onResult: (window, result, ctx) => ctx.send(host.windowMessage(window.key, result, window, ctx)),
 *     onLate: (late, ctx) => ctx.send([null, lateMessage(late, ctx.msg, …)]) });
 *   node.on('input', (msg, send, done) => host.input(msg, send, done));
 *   node.on('close', (removed, done) => host.close(removed, done));
 *
 * Wrap the setup in try/catch and call failOnConfig(node, err) on a ConfigError.
 *
 * What the host guarantees:
 * - `handle` throws InputError for bad input → counted, shown in status, passed to done(err)
 *   (a Catch node sees it); the flow goes on. `handle` may return a promise (JSONata); later
 *   inputs wait, so outputs keep input order.
 * - `msg.flush` (truthy) fires every open window now; `msg.reset` drops open windows, only those
 *   of the key `msg.topic` when it is set (`onReset` resets what the node keeps beside the
 *   operator). Control messages are not events, but they wait their turn like any input.
 * - One processing-time timer, re-armed from operator.nextWakeup(): windows close on time when
 *   input stops (processing time, idleTimeout, emit early).
 * - With `store` (a context store name), the operator snapshot is restored at start (inputs
 *   arriving meanwhile are queued), saved every 10 s when changed and on close (not on removal).
 * - Status (keys, open windows, watermark lag, late, rejected, dropped) refreshed ≤ 4×/s.
 * - Results reach onResult/onLate with the EmitContext (send, cause message) of the input or timer
 *   that fired them; host.windowMessage(topic, payload, window, ctx) builds a result message with
 *   the _msgid of that input.
 *
 * Batches and window messages: `isBatch(msg)` (msg.batch === true and an array payload of
 * message-like objects, each mapped like a message) and `isWindowMessage(msg)` (msg.window and an
 * array payload of `{ timestamp, topic, payload }` records). processBatch runs over the elements,
 * skips bad ones and reports one BatchInputError for the message (the status counts each bad one).
 */
export * from './red';
export { compileEventMapper, normaliseProperty } from './event-mapper';
export type { EventMapper, EventMappingConfig } from './event-mapper';
export { parseWindowSpec, parseOperatorSettings, describeWindow } from './window-config';
export { formatDuration } from '../../core/duration';
export type { WindowConfig, OperatorSettings } from './window-config';
export { WindowHost } from './window-host';
export type { WindowHostOptions, InputHandler } from './window-host';
export { ThrottledStatus } from './throttled-status';
export { compileJSONata } from './jsonata';
export type { JSONataEvaluator } from './jsonata';
export { failOnConfig } from './config-error';
export { lateMessage, isBatch, isWindowMessage } from './messages';
export { processBatch, eachEventOf, batchElement, BatchInputError } from './batch';
export type { EmitContext } from './emissions';
export { setupWindowNode } from './window-node';
export type { WindowRecord, WindowNodeConfig, WindowedNodeConfig } from './window-node';
