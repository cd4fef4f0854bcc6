import { EventEmitter } from 'events';
import * as mqtt from 'mqtt';
import { topicMatches } from './mqtt-topic';
import { tlsTrustProblem } from './tls-trust';
import { MqttRefusal } from './mqtt-refusal';
import { SubscriptionRefusal } from './subscription-refusal';

/** Life-cycle of a broker connection as the nodes show it. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** How to reach an MQTT broker; TLS material is already read into the options. */
export interface MqttConnectionOptions {
  url: string;
  clientId?: string;
  username?: string;
  password?: string;
  protocolVersion: 4 | 5;
  keepalive: number;
  clean: boolean;
  /** MQTT 5 session expiry interval (s); with MQTT 3.1.1 the session lasts until clean is used. */
  sessionExpiry?: number;
  reconnectPeriod: number;
  connectTimeout: number;
  tls?: { ca?: unknown; cert?: unknown; key?: unknown; passphrase?: string; rejectUnauthorized?: boolean; servername?: string };
}

/** One received MQTT message, library-neutral. */
export interface MqttInbound {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** MQTT 5 properties (userProperties, contentType, correlationData, …) when present. */
  properties?: Record<string, unknown>;
}

export interface MqttPublishOptions {
  qos: 0 | 1 | 2;
  retain: boolean;
  /** MQTT 5 properties; ignored by 3.1.1 brokers. */
  properties?: Record<string, unknown>;
}

export type MqttHandler = (m: MqttInbound) => void;

/**
 * What the MQTT nodes need from a client library. `publish` resolves once the broker
 * acknowledged (QoS ≥ 1) or the packet was written (QoS 0).
 */
export interface MqttConnection {
  readonly state: ConnectionState;
  /** Why the last attempt failed, when it did. */
  readonly lastError?: Error;
  on(event: 'state', cb: (state: ConnectionState, error?: Error) => void): this;
  off(event: 'state', cb: (state: ConnectionState, error?: Error) => void): this;
  connect(): void;
  subscribe(subscription: string, qos: 0 | 1 | 2, handler: MqttHandler): Promise<void>;
  /** `keepOnBroker`: stop handling, but leave a persistent session's subscription in place (a redeploy). */
  unsubscribe(subscription: string, handler: MqttHandler, keepOnBroker?: boolean): Promise<void>;
  /** True when the broker keeps the session (and its queued messages) across disconnections. */
  readonly persistentSession: boolean;
  publish(topic: string, payload: Buffer | string, opts: MqttPublishOptions): Promise<void>;
  end(): Promise<void>;
}

/** CONNACK codes that no retry can fix (bad credentials, not authorised, banned, bad client id). */
const FATAL_CONNACK = new Set([2, 4, 5, 133, 134, 135, 138, 140]);

/** mqtt.js behind the MqttConnection interface. */
export class MqttJsConnection extends EventEmitter implements MqttConnection {
  private client?: mqtt.MqttClient;
  private subs = new Map<string, { qos: 0 | 1 | 2; handlers: Set<MqttHandler> }>();
  state: ConnectionState = 'disconnected';
  lastError?: Error;

  constructor(private readonly opts: MqttConnectionOptions) {
    super();
  }

  private setState(state: ConnectionState, error?: Error): void {
    if (error) this.lastError = error;
    if (state === this.state && !error) return;
    this.state = state;
    this.emit('state', state, error);
  }

  /** True while a client exists that connects or reconnects on its own. */
  get active(): boolean {
    return this.client !== undefined;
  }

  connect(): void {
    if (this.client || this.state === 'failed') return;
    const o = this.opts;
    const options: mqtt.IClientOptions = {
      clientId: o.clientId || `stream_${Math.random().toString(16).slice(2, 10)}`,
      username: o.username || undefined,
      password: o.password || undefined,
      protocolVersion: o.protocolVersion,
      keepalive: o.keepalive,
      clean: o.clean,
      reconnectPeriod: o.reconnectPeriod,
      connectTimeout: o.connectTimeout,
      // Offline buffering is done by the nodes with a bounded queue, never by the library.
      queueQoSZero: false,
      // Subscriptions are renewed in the connect handler, only when the broker lost the session.
      resubscribe: false,
      ...(o.protocolVersion === 5 && o.sessionExpiry !== undefined ? { properties: { sessionExpiryInterval: o.sessionExpiry } } : {}),
      ...(o.tls ?? {}),
    } as mqtt.IClientOptions;
    this.setState('connecting');
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.on('connect', (connack) => {
      this.lastError = undefined;
      // A persistent session keeps subscriptions on the broker; a new one must be told again.
      // "connected" is announced once they are active, so that publishers sharing this client
      // (which flush their queues on it) cannot overtake the subscriptions.
      if (!connack.sessionPresent && this.subs.size) {
        const map: Record<string, { qos: 0 | 1 | 2 }> = {};
        for (const [sub, s] of this.subs) map[sub] = { qos: s.qos };
        client.subscribe(map, () => {
          if (this.client === client && client.connected) this.setState('connected');
        });
      } else {
        this.setState('connected');
      }
    });
    client.on('reconnect', () => this.setState('connecting'));
    client.on('offline', () => this.setState('disconnected'));
    client.on('close', () => {
      if (this.state === 'connected') this.setState('disconnected');
    });
    client.on('error', (err: Error & { code?: number }) => {
      // One TLS failure can raise several errors; those after the client was ended are echoes.
      if (this.client !== client) return;
      if (typeof err.code === 'number' && FATAL_CONNACK.has(err.code)) {
        // Retrying refused credentials only hammers the broker; stay down until redeployed.
        this.setState('failed', new MqttRefusal('credentials', err.message));
        client.end(true);
        if (this.client === client) this.client = undefined;
        return;
      }
      const tls = tlsTrustProblem(err);
      if (tls) {
        // Same as refused credentials: every reconnect would be refused for the same reason.
        this.setState('failed', new MqttRefusal('certificate', tls.reason, tls.code));
        client.end(true);
        if (this.client === client) this.client = undefined;
        return;
      }
      this.setState(this.state === 'connected' ? 'connected' : 'disconnected', err);
    });
    client.on('message', (topic, payload, packet) => {
      const m: MqttInbound = {
        topic,
        payload,
        qos: packet.qos,
        retain: packet.retain,
        properties: packet.properties as Record<string, unknown> | undefined,
      };
      for (const [sub, s] of this.subs) {
        if (!topicMatches(sub, topic)) continue;
        for (const h of s.handlers) h(m);
      }
    });
  }

  async subscribe(subscription: string, qos: 0 | 1 | 2, handler: MqttHandler): Promise<void> {
    let s = this.subs.get(subscription);
    if (!s) {
      s = { qos, handlers: new Set() };
      this.subs.set(subscription, s);
    }
    s.handlers.add(handler);
    s.qos = Math.max(s.qos, qos) as 0 | 1 | 2;
    const client = this.client;
    if (client && client.connected) {
      await new Promise<void>((resolve, reject) =>
        client.subscribe(subscription, { qos: s!.qos }, (err, granted) => {
          if (err) return reject(err);
          const g = granted?.[0];
          if (g && g.qos >= 128) return reject(new SubscriptionRefusal(subscription, g.qos));
          resolve();
        }),
      );
    }
  }

  get persistentSession(): boolean {
    return !this.opts.clean || (this.opts.protocolVersion === 5 && (this.opts.sessionExpiry ?? 0) > 0);
  }

  async unsubscribe(subscription: string, handler: MqttHandler, keepOnBroker = false): Promise<void> {
    const s = this.subs.get(subscription);
    if (!s) return;
    s.handlers.delete(handler);
    if (s.handlers.size) return;
    this.subs.delete(subscription);
    const client = this.client;
    if (client && client.connected && !keepOnBroker) {
      await new Promise<void>((resolve) => client.unsubscribe(subscription, () => resolve()));
    }
  }

  publish(topic: string, payload: Buffer | string, opts: MqttPublishOptions): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('not connected'));
    return new Promise<void>((resolve, reject) => {
      const o: mqtt.IClientPublishOptions = { qos: opts.qos, retain: opts.retain };
      if (this.opts.protocolVersion === 5 && opts.properties) o.properties = opts.properties as mqtt.IClientPublishOptions['properties'];
      client.publish(topic, payload, o, (err) => (err ? reject(err) : resolve()));
    });
  }

  end(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.subs.clear();
    this.setState('closed');
    if (!client) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // Waiting for in-flight acknowledgements makes sense only while the broker can send them.
      const force = !client.connected;
      const timer = setTimeout(() => client.end(true, {}, () => resolve()), 2000);
      client.end(force, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
