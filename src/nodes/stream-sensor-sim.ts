/**
 * stream-sensor-sim: simulated IoT sensors as a message source. The readings come from the pure,
 * seeded SensorSimulator; this adapter only owns the processing-time timer, start/stop control,
 * status and message shape ({ topic: sensor id, payload: { field: value }, timestamp }).
 */
import { formatDuration } from '../core/duration';
import { InputError, describeValue } from '../core/errors';
import { parseSensorSimConfig, SensorSimConfig, SensorSimulator, SimReading } from '../core/sensor-sim';
import { failOnConfig } from './shared/config-error';
import { NodeMessage, RedAPI, RedNode } from './shared/red';
import { text, useCatalog } from './shared/i18n';
import { localInputError } from './shared/input-error';

const STATUS_EVERY_MS = 1000;
const CONTROL = ['start', 'stop', 'reset', 'tick'] as const;

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

function toMessage(r: SimReading): NodeMessage {
  const msg: NodeMessage = { topic: r.key, payload: r.payload, timestamp: r.time, sequence: r.seq };
  if (r.anomaly) msg.injected = { ...r.anomaly };
  if (r.delay > 0) msg.delayed = r.delay;
  return msg;
}

/** The runtime pieces the editor button needs; absent in some embeddings, so all optional. */
interface AdminAPI {
  httpAdmin?: { post(path: string, ...handlers: Array<(req: AdminRequest, res: AdminResponse, next?: () => void) => void>): void };
  auth?: { needsPermission(permission: string): (req: AdminRequest, res: AdminResponse, next?: () => void) => void };
}
interface AdminRequest {
  params: Record<string, string>;
}
interface AdminResponse {
  status(code: number): AdminResponse;
  json(body: unknown): void;
}

export = (RED: RedAPI) => {
  // The node's button in the editor starts or pauses a deployed simulator by id.
  const toggles = new Map<string, () => boolean>();
  const admin = RED as RedAPI & AdminAPI;
  if (admin.httpAdmin) {
    const allowed = admin.auth
      ? admin.auth.needsPermission('stream-sensor-sim.write')
      : (_req: AdminRequest, _res: AdminResponse, next?: () => void) => next?.();
    admin.httpAdmin.post('/stream-sensor-sim/:id/toggle', allowed, (req, res) => {
      const toggle = toggles.get(req.params.id);
      if (!toggle) res.status(404).json({ error: 'not deployed' });
      else res.json({ running: toggle() });
    });
  }

  function StreamSensorSimNode(this: RedNode, raw: Record<string, unknown>) {
    RED.nodes.createNode(this, raw);
    const node = this;

    let config: SensorSimConfig;
    try {
      config = parseSensorSimConfig(raw);
    } catch (err) {
      failOnConfig(node, err);
      return;
    }

    // A missing seed is drawn once per deploy and shown, so an interesting run can be replayed.
    const seed = config.seed ?? Math.floor(Math.random() * 1e9);
    let sim: SensorSimulator | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let sent = 0;
    let bad = 0;
    let lastStatus = 0;

    const showStatus = (force: boolean) => {
      const now = Date.now();
      if (!force && now - lastStatus < STATUS_EVERY_MS) return;
      lastStatus = now;
      const t = (key: string, params: Record<string, string | number>): string => text(node.type, `status.${key}`, params);
      const parts = [t('sensors', { count: config.ids.length }), formatDuration(config.interval), t('seed', { seed }), t('sent', { count: formatCount(sent) })];
      if (sim && sim.held > 0) parts.push(t('held', { count: sim.held }));
      if (bad > 0) parts.push(t('bad', { count: bad }));
      node.status(
        timer ? { fill: 'green', shape: 'dot', text: parts.join(' · ') } : { fill: 'grey', shape: 'ring', text: t('stopped', { status: parts.join(' · ') }) },
      );
    };

    /** The simulator, created on first use with its first reading due at `firstAt`. */
    const simulator = (cfg: SensorSimConfig, firstAt: number): SensorSimulator => {
      if (!sim) sim = new SensorSimulator(cfg, cfg.startTime ?? firstAt, seed);
      // After a pause, event time catches up with the wall clock instead of replaying the gap.
      else if (cfg.startTime === undefined) sim.resumeAt(firstAt);
      return sim;
    };

    const emit = (s: SensorSimulator, out: (msgs: NodeMessage[][]) => void) => {
      const readings = s.tick();
      if (readings.length > 0) {
        sent += readings.length;
        out([readings.map(toMessage)]);
      }
      showStatus(false);
    };

    const start = (cfg: SensorSimConfig) => {
      if (timer) return;
      // The first reading is stamped with the time its timer fires, so event time tracks the clock.
      const s = simulator(cfg, Date.now() + cfg.interval);
      timer = setInterval(() => emit(s, (m) => node.send(m)), cfg.interval);
      showStatus(true);
    };

    const stop = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      showStatus(true);
    };

    if (config.autoStart) start(config);
    else showStatus(true);
    toggles.set(node.id, () => {
      if (timer) stop();
      else start(config);
      return Boolean(timer);
    });

    node.on('input', (msg, send, done) => {
      const command = typeof msg.payload === 'string' ? msg.payload.trim().toLowerCase() : undefined;
      switch (command) {
        case 'start':
          start(config);
          break;
        case 'stop':
          stop();
          break;
        case 'reset': {
          const running = Boolean(timer);
          stop();
          sim = undefined;
          sent = 0;
          if (running) start(config);
          break;
        }
        case 'tick':
          emit(simulator(config, Date.now()), send);
          showStatus(true);
          break;
        default:
          bad++;
          showStatus(true);
          done(
            localInputError(
              node.type,
              InputError.of('payload', 'controlPayload', { allowed: CONTROL.map((c) => `"${c}"`).join(', '), got: describeValue(msg.payload) }),
            ),
          );
          return;
      }
      done();
    });

    node.on('close', (removed, done) => {
      toggles.delete(node.id);
      if (timer) clearInterval(timer);
      timer = undefined;
      sim = undefined;
      done();
    });
  }

  useCatalog(RED, 'stream-sensor-sim');

  RED.nodes.registerType('stream-sensor-sim', StreamSensorSimNode);
};
