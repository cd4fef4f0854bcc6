import { parseDuration } from '../core/duration';
import { ConfigError, InputError, describeValue } from '../core/errors';
import { JoinOperator, JoinSpec } from '../core/join/join-operator';
import { JoinResult, JoinSide } from '../core/join/join-types';
import { compilePath } from '../core/path';
import { oneOf } from '../core/option-checks';
import { JOIN_TYPES } from '../core/setting-values';
import { eachEventOf } from './shared/batch';
import { EmitContext, Emissions } from './shared/emissions';
import { failOnConfig } from './shared/config-error';
import { EventMapper, compileEventMapper, normaliseProperty } from './shared/event-mapper';
import { NodeMessage, RedAPI, RedNode } from './shared/red';
import { useCatalog } from './shared/i18n';
import { WindowConfig, keyLimit, optionalDuration, optionalLimit, parseFutureSettings, parseWindowSpec } from './shared/window-config';
import { WindowHost } from './shared/window-host';

interface JoinNodeConfig extends WindowConfig {
  keyProperty?: unknown;
  rightKeyProperty?: unknown;
  valueProperty?: unknown;
  timeProperty?: unknown;
  timeMode?: unknown;
  store?: unknown;
  sideProperty?: unknown;
  sideMatch?: unknown;
  leftSide?: unknown;
  rightSide?: unknown;
  joinMode?: unknown;
  joinType?: unknown;
  lower?: unknown;
  upper?: unknown;
}

/** What the join keeps of a message: its topic and its value. */
interface Side {
  topic: unknown;
  payload: unknown;
}

/** A duration that may be negative ("-5m"): interval bounds reach before the left event too. */
function signedDuration(value: unknown, field: string): number {
  const text = value === undefined || value === null ? '' : String(value).trim();
  if (text === '') throw new ConfigError(field, 'a duration is required, e.g. 0, 5m or -30s');
  const negative = text.startsWith('-');
  const ms = parseDuration(negative ? text.slice(1) : text, field, { allowZero: true });
  return negative ? -ms : ms;
}

/** Tells the sides apart: the side property equals (or matches, as a regular expression) the left or right value. */
function compileSide(config: JoinNodeConfig): (msg: object) => JoinSide {
  const property = normaliseProperty(config.sideProperty, 'topic');
  if (!property) throw new ConfigError('sideProperty', 'a message property that tells the inputs apart is required (e.g. topic)');
  const get = compilePath(property, 'sideProperty');
  const mode = config.sideMatch === undefined || config.sideMatch === '' ? 'equals' : config.sideMatch;
  if (mode !== 'equals' && mode !== 'regex') throw new ConfigError('sideMatch', `"${String(mode)}" is not allowed; use equals or regex`);
  const test = (field: 'leftSide' | 'rightSide'): ((v: string) => boolean) => {
    const text = config[field] === undefined || config[field] === null ? '' : String(config[field]);
    if (text === '') throw new ConfigError(field, `a value of msg.${property} is required that marks the ${field === 'leftSide' ? 'left' : 'right'} input`);
    if (mode === 'equals') return (v) => v === text;
    let re: RegExp;
    try {
      re = new RegExp(text);
    } catch (err) {
      throw new ConfigError(field, `invalid regular expression: ${(err as Error).message}`);
    }
    return (v) => re.test(v);
  };
  const isLeft = test('leftSide');
  const isRight = test('rightSide');
  const label = `msg.${property}`;
  return (msg) => {
    const raw = get(msg);
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      const v = String(raw);
      // Left is tested first: a message that fits both patterns is a left event.
      if (isLeft(v)) return 'left';
      if (isRight(v)) return 'right';
    }
    throw new InputError(label, `${label} is ${describeValue(raw)}; it marks neither input (left: ${String(config.leftSide)}, right: ${String(config.rightSide)})`);
  };
}

/** The join from the flow settings: interval bounds, or a tumbling/hopping window. */
function joinSpec(config: JoinNodeConfig): JoinSpec {
  const mode = config.joinMode === undefined || config.joinMode === '' ? 'interval' : config.joinMode;
  if (mode === 'interval') {
    const lower = signedDuration(config.lower, 'lower');
    const upper = signedDuration(config.upper, 'upper');
    if (lower > upper) throw new ConfigError('upper', `must not be before lower (${String(config.lower)})`);
    return { mode: 'interval', lower, upper };
  }
  if (mode !== 'window') throw new ConfigError('joinMode', `"${String(mode)}" is not allowed; use interval or window`);
  const windowType = config.windowType === undefined || config.windowType === '' || config.windowType === 'none' ? 'tumbling' : config.windowType;
  if (windowType !== 'tumbling' && windowType !== 'sliding') throw new ConfigError('windowType', `"${String(windowType)}" is not allowed; a window join uses tumbling or sliding (hopping) windows`);
  if (windowType === 'sliding' && (config.slide === undefined || config.slide === '' || config.slide === 'event')) {
    throw new ConfigError('slide', 'a window join needs a duration as slide (hopping windows), not per-event windows');
  }
  const spec = parseWindowSpec(config, windowType)!;
  if (spec.type === 'tumbling') return { mode: 'window', size: spec.size, slide: spec.size, offset: spec.offset ?? 0 };
  if (spec.type === 'sliding' && spec.slide !== 'event') return { mode: 'window', size: spec.size, slide: spec.slide, offset: spec.offset ?? 0 };
  throw new ConfigError('windowType', 'a window join uses tumbling or sliding (hopping) windows');
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
        const msg = host.resultMessage(r.key, { left: r.left ? r.left.value.payload : null, right: r.right ? r.right.value.payload : null }, 'join', info, ctx);
        if (!outer) return ctx.send(msg);
        ctx.send(r.left && r.right ? [msg, null] : [null, msg]);
      });
      const operator = new JoinOperator<Side>({
        join,
        joinType,
        timeMode: left.timeMode,
        maxOutOfOrder: optionalDuration(config.maxOutOfOrder, 'maxOutOfOrder'),
        ...parseFutureSettings(config),
        clock: () => Date.now(),
        allowedLateness: optionalDuration(config.allowedLateness, 'allowedLateness'),
        idleTimeout,
        maxKeys: keyLimit(config.maxKeys),
        maxEventsPerWindow: optionalLimit(config.maxEventsPerWindow, 'maxEventsPerWindow'),
        onJoin: emitted.push,
      });
      const add = (msg: NodeMessage, ctx: EmitContext, now: number): void => {
        const side = sideOf(msg);
        const mapper = side === 'left' ? left : right;
        operator.process({ side, key: mapper.key(msg), time: mapper.time(msg, now), value: { topic: msg.topic, payload: mapper.value(msg) } }, now);
        emitted.deliver(ctx);
      };
      host = new WindowHost<unknown, unknown, unknown>({
        node,
        custom: { operator, emitted, timeMode: left.timeMode, timed: left.timeMode === 'processing' || idleTimeout > 0, openLabel: join.mode === 'interval' ? 'buffered' : 'open' },
        store: typeof config.store === 'string' ? config.store : undefined,
        arrivalTime: left.timeMode === 'processing' || left.timeLabel === '',
        mapper: { arrivalFallbacks: 0, resolve },
        handle: (msg, ctx, now) => eachEventOf(msg, (item) => add(item, ctx, now)),
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
