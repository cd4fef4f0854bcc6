/** What the preDeliver and onComplete hooks hand over, as far as the tracker reads it. */
export interface HookEvent {
  msg?: { _msgid?: string; [SLOT]?: number };
}

/** The part of Node-RED's `RED.hooks` the tracker uses. */
export interface HooksApi {
  add(name: string, fn: (event: HookEvent) => void): void;
  remove(name: string): void;
}

/**
 * The slot of a tracked message, on the message itself: read back in the hooks without parsing
 * its id or a map look-up. A symbol, so it stays out of JSON, the debug sidebar and Object.keys;
 * Node-RED's copies of a message (one per extra wire) carry it along.
 */
const SLOT: unique symbol = Symbol('stream-kafka-in slot');

// A message id is the tracker's prefix, the slot and the slot's generation: `<prefix>.<slot>-<gen>`.
// The slot finds the entry when a message lost the symbol (a node rebuilt it, keeping its _msgid),
// the generation makes every id unique, and an id is only taken for the slot's current message if
// it is the one issued. Two small integers, not one number gen * SLOTS + slot: that number leaves
// V8's small-integer range once a slot has been used 64 times, and turning it into text then cost
// several times as much, for every record of a long-running reader. SLOTS exceeds the largest
// maxInFlight (10 M); generations wrap below 2^28.
const SLOT_BITS = 24;
const SLOTS = 2 ** SLOT_BITS;
const GENERATIONS = 2 ** 28;
const FREE = 0;
const TRACKED = 1;
const SENT = 2;

/**
 * Observes when a message sent by one node has been handled by the flow: every node it was
 * delivered to (directly or further downstream, as long as the message keeps its `_msgid`)
 * has called done(). Built on Node-RED's messaging hooks: `preDeliver` counts a delivery,
 * `onComplete` (fired by done(), with or without an error) counts a completion.
 *
 * Guarantees and limits: a message is "handled" once the number of completions reaches the
 * number of deliveries seen so far; a node that forwards the message after calling done()
 * extends the chain only if it sends before its done(). Nodes that never call done() (legacy
 * two-argument input handlers) keep the message in flight for ever. A message delivered to no
 * node is handled at once.
 *
 * The hooks run for every message of the runtime, and twice or more per tracked one, so the
 * entries live in typed arrays indexed by a slot the message carries (and its id names): no
 * map, and no object per message. Trackers share the symbol; the issued id tells whose slot it is.
 */
export class HandledTracker {
  private readonly label: string;
  private readonly prefix: string;
  private capacity = 0;
  private receivers = new Int32Array(0);
  private state = new Uint8Array(0);
  private gen = new Uint32Array(0);
  /** When tracking began (the caller's clock, ms). */
  private since = new Float64Array(0);
  private fns: (((arg: never) => void) | undefined)[] = [];
  /** The id issued for the slot's current message. */
  private ids: (string | undefined)[] = [];
  /** Handed to the callback: one shared callback serves every message, no closure per message. */
  private args: unknown[] = [];
  /** Free slots, a stack. */
  private free = new Int32Array(0);
  private freeCount = 0;
  private live = 0;

  /** `prefix`: the start of every message id this tracker issues, unique in the runtime (e.g. a generated id). */
  constructor(
    private readonly hooks: HooksApi,
    label: string,
    prefix: string,
  ) {
    this.label = label.replace(/[^A-Za-z0-9_-]/g, '_');
    this.prefix = `${prefix}.`;
    hooks.add(`preDeliver.${this.label}`, (ev: HookEvent) => {
      const slot = this.slotOf(ev?.msg);
      if (slot >= 0) this.receivers[slot]++;
    });
    hooks.add(`onComplete.${this.label}`, (ev: HookEvent) => {
      const slot = this.slotOf(ev?.msg);
      if (slot < 0) return;
      this.receivers[slot]--;
      this.settle(slot);
    });
  }

  /** Number of messages being tracked. */
  get size(): number {
    return this.live;
  }

  /**
   * Starts tracking a message at time `now` (ms): gives it its `_msgid` (and the slot); `onHandled`
   * gets `arg` once it is handled. Call right before sending it.
   */
  track<T>(msg: { _msgid?: string }, onHandled: (arg: T) => void, now: number, arg: T): void {
    if (this.freeCount === 0 && !this.grow()) {
      // More messages in flight than any limit allows: count this one handled rather than fail.
      msg._msgid = `${this.prefix}x`;
      onHandled(arg);
      return;
    }
    const slot = this.free[--this.freeCount];
    const id = this.prefix + slot + '-' + this.gen[slot];
    this.state[slot] = TRACKED;
    this.receivers[slot] = 0;
    this.since[slot] = now;
    this.fns[slot] = onHandled as (arg: never) => void;
    this.args[slot] = arg;
    this.ids[slot] = id;
    this.live++;
    msg._msgid = id;
    (msg as HookEvent['msg'] & object)[SLOT] = slot;
  }

  /** Call right after node.send(msg): deliveries have been counted by then (the hook runs synchronously in send). */
  sent(msg: { _msgid?: string }): void {
    const slot = this.slotOf(msg);
    if (slot < 0) return;
    this.state[slot] = SENT;
    this.settle(slot);
  }

  /**
   * Counts every message tracked before `before` as handled, whatever its receivers still owe:
   * a message some node never completes must not hold its source for ever. Returns how many expired.
   */
  expire(before: number): number {
    let n = 0;
    // Bounded by the slots that exist; a callback may track new messages, which are younger.
    const end = this.capacity;
    for (let slot = 0; slot < end; slot++) {
      if (this.state[slot] === FREE || this.since[slot] >= before) continue;
      n++;
      this.release(slot);
    }
    return n;
  }

  /** Stops tracking without calling back (e.g. the partition was revoked). */
  forget(msg: { _msgid?: string }): void {
    const slot = this.slotOf(msg);
    if (slot >= 0) this.clear(slot);
  }

  /** Removes the hooks. */
  dispose(): void {
    this.hooks.remove(`*.${this.label}`);
    for (let slot = 0; slot < this.capacity; slot++) if (this.state[slot] !== FREE) this.clear(slot);
  }

  /** The slot of a message this tracker tracks now, or -1 (another node's message, or one already handled). */
  private slotOf(msg: HookEvent['msg']): number {
    if (msg === undefined || msg === null) return -1;
    const id = msg._msgid;
    const s = msg[SLOT];
    if (typeof s === 'number') return s < this.capacity && this.ids[s] === id ? s : -1;
    return this.slotOfId(id);
  }

  /** The slot named by a message id of this tracker's (for a message that lost the symbol), or -1. */
  private slotOfId(id: string | undefined): number {
    const p = this.prefix;
    const pl = p.length;
    // At most 8 digits of slot (< 2^24), a dash and 9 digits of generation (< 2^28).
    if (typeof id !== 'string' || id.length < pl + 3 || id.length > pl + 18 || id.charCodeAt(pl - 1) !== 46 || !id.startsWith(p)) return -1;
    let slot = 0;
    let i = pl;
    for (; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c === 45) break;
      if (c < 48 || c > 57) return -1;
      slot = slot * 10 + (c - 48);
    }
    // The generation's digits are checked by the comparison with the id issued.
    if (i === pl || i >= id.length - 1) return -1;
    return slot < this.capacity && this.ids[slot] === id ? slot : -1;
  }

  private settle(slot: number): void {
    if (this.state[slot] !== SENT || this.receivers[slot] > 0) return;
    this.release(slot);
  }

  /** Frees the slot and calls back. */
  private release(slot: number): void {
    const fn = this.fns[slot] as (arg: unknown) => void;
    const arg = this.args[slot];
    this.clear(slot);
    fn(arg);
  }

  private clear(slot: number): void {
    this.state[slot] = FREE;
    this.gen[slot] = (this.gen[slot] + 1) % GENERATIONS;
    this.fns[slot] = undefined;
    this.args[slot] = undefined;
    this.ids[slot] = undefined;
    this.free[this.freeCount++] = slot;
    this.live--;
  }

  /** Doubles the slots (64 at first); false at the limit. */
  private grow(): boolean {
    const old = this.capacity;
    if (old >= SLOTS) return false;
    const cap = Math.min(SLOTS, Math.max(64, old * 2));
    const widen = <A extends Int32Array | Uint8Array | Uint32Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.receivers = widen(this.receivers, (n) => new Int32Array(n));
    this.state = widen(this.state, (n) => new Uint8Array(n));
    this.gen = widen(this.gen, (n) => new Uint32Array(n));
    this.since = widen(this.since, (n) => new Float64Array(n));
    // Filled, not lengthened: an array given a length beyond its elements may turn into a dictionary.
    for (let s = old; s < cap; s++) {
      this.fns.push(undefined);
      this.args.push(undefined);
      this.ids.push(undefined);
    }
    // Every free slot is in the stack, so it is empty here: the new slots, lowest on top.
    const free = new Int32Array(cap);
    for (let s = cap - 1; s >= old; s--) free[this.freeCount++] = s;
    this.free = free;
    this.capacity = cap;
    return true;
  }
}
