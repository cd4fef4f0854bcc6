import { oneOf } from '../core/option-checks';
import { JOIN_TYPES } from '../core/setting-values';
import { JoinOperator } from '../core/join/join-operator';
import { JoinResult } from '../core/join/join-types';
import { operatorHost } from './shared/operator-host';
import { Emissions } from './shared/emissions';
import { failOnConfig } from './shared/config-error';
import { EventMapper, compileEventMapper, normaliseProperty } from './shared/event-mapper';
import { NodeMessage, RedAPI, RedNode } from './shared/red';
import { useCatalog } from './shared/i18n';
import { keyLimit, optionalDuration, optionalLimit, parseFutureSettings } from './shared/window-config';
import { WindowHost } from './shared/window-host';
import { JoinNodeConfig, compileSide, joinSpec } from './shared/join-config';

/** What the join keeps of a message: its topic and its value. */
interface Side {
  topic: unknown;
  payload: unknown;
}

/**
 * Reads the typed properties of both sides' mappings: which side a message (or batch element)
 * is on is known only later, so both are read, and the handler takes the one of its side.
 */
function bothSides(left: EventMapper, right: EventMapper): (msg: NodeMessage) => void | Promise<void> {
  return (msg) => {
    const a = left.resolve?.(msg);
    const b = right.resolve?.(msg);
    if (a && b) return Promise.all([a, b]).then(() => undefined);
    return a ?? b;
  };
}

export = (RED: RedAPI) => {
  function StreamJoin(this: RedNode, config: JoinNodeConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    let host: WindowHost<unknown, unknown, unknown>;
    try {
      const left = compileEventMapper(config, { RED, node });
      const rightKey = normaliseProperty(config.rightKeyProperty, '');
      // The right key is a msg path of its own; value and time are read as on the left.
      const right: EventMapper = rightKey ? compileEventMapper({ ...config, keyProperty: rightKey, keyPropertyType: 'msg' }, { RED, node }) : left;
      const resolve = right === left || !right.resolve ? left.resolve : bothSides(left, right);
      const sideOf = compileSide(config);
      const join = joinSpec(config);
      const joinType = oneOf(config.joinType, 'joinType', JOIN_TYPES, 'inner');
      const outer = joinType !== 'inner';
      const idleTimeout = optionalDuration(config.idleTimeout, 'idleTimeout');
      const emitted = new Emissions<JoinResult<Side>>((r, ctx) => {
        const info: Record<string, unknown> = {
          key: r.key,
          mode: join.mode,
          leftTime: r.left ? r.left.time : null,
          rightTime: r.right ? r.right.time : null,
          leftTopic: r.left ? r.left.value.topic : null,
          rightTopic: r.right ? r.right.value.topic : null,
        };
        if (r.window) info.window = r.window;
        if (r.late) info.late = true;
        // The earliest event time the result includes: the previous reader of its partition may have sent it.
        if (host.mayRepeat(r.key, r.window ? r.window.start : Math.min(r.left?.time ?? Infinity, r.right?.time ?? Infinity))) info.replay = true;
        const msg = host.resultMessage(r.key, { left: r.left ? r.left.value.payload : null, right: r.right ? r.right.value.payload : null }, 'join', info, ctx);
        if (!outer) return ctx.send(msg);
        ctx.send(r.left && r.right ? [msg, null] : [null, msg]);
      });
      const maxOutOfOrder = optionalDuration(config.maxOutOfOrder, 'maxOutOfOrder');
      const operator = new JoinOperator<Side>({
        join,
        joinType,
        timeMode: left.timeMode,
        maxOutOfOrder,
        ...parseFutureSettings(config),
        clock: () => Date.now(),
        // A Kafka partition its reader still has records of is not idle.
        sourceBusy: (source, topic) => host.sourceBusy(source, topic),
        allowedLateness: optionalDuration(config.allowedLateness, 'allowedLateness'),
        idleTimeout,
        maxKeys: keyLimit(config.maxKeys),
        maxEventsPerWindow: optionalLimit(config.maxEventsPerWindow, 'maxEventsPerWindow'),
        onJoin: emitted.push,
      });
      host = operatorHost({
        node,
        operator,
        emitted,
        store: config.store,
        maxOutOfOrder,
        time: left,
        idleTimeout,
        openLabel: join.mode === 'interval' ? 'buffered' : 'open',
        mapper: { arrivalFallbacks: 0, resolve },
        event: (msg, now) => {
          const side = sideOf(msg);
          const mapper = side === 'left' ? left : right;
          return { side, key: mapper.key(msg), time: mapper.time(msg, now), value: { topic: msg.topic, payload: mapper.value(msg) } };
        },
      });
    } catch (err) {
      failOnConfig(node, err);
      return;
    }
    node.on('input', (msg, send, done) => host.input(msg, send, done));
    node.on('close', (removed, done) => host.close(removed, done));
  }
  useCatalog(RED, 'stream-join');
  RED.nodes.registerType('stream-join', StreamJoin);
};
