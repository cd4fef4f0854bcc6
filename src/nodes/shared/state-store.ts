import { ConfigError, toError } from '../../core/errors';
import { SnapshotError } from '../../core/snapshot-check';
import { savedState } from '../../core/snapshot-schema';
import { SnapshotVersionError, readSavedState } from '../../core/snapshot-migration';
import { configErrorText } from './config-error';
import { text } from './i18n';
import { RedNode } from './red';

/** A piece of state saved and restored as plain JSON. */
export interface Saveable {
  snapshot(): unknown;
  restore(saved: unknown): void;
}

const STATE_KEY = 'streamState';

/**
 * A node's windows (and the state it keeps beside them) in a Node-RED context store: read once at
 * start, saved every `everyMs` while changed and on close. A store that fails or holds something
 * unusable costs a warning, never the node: it then starts empty.
 */
export class StateStore {
  private dirty = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private loadedFlag = false;

  constructor(
    private readonly node: RedNode,
    private readonly store: string,
    private readonly operator: Saveable | undefined,
    private readonly extra: Saveable | undefined,
    private readonly everyMs = 10000,
  ) {}

  /** The saved state has been read (or found unreadable); a save on close makes sense from here on. */
  get loaded(): boolean {
    return this.loadedFlag;
  }

  /** Reads the saved state into the operator and the extra state, then calls `loaded` (not after close). */
  load(loaded: () => void): void {
    const finish = (): void => {
      if (this.closed) return;
      this.loadedFlag = true;
      this.timer = setInterval(() => {
        if (this.dirty) this.save();
      }, this.everyMs);
      loaded();
    };
    try {
      this.node.context().get(STATE_KEY, this.store, (err, saved) => {
        if (err) this.node.warn(this.t('readStoreFailed', toError(err).message));
        else if (saved !== undefined && saved !== null) this.restore(saved);
        finish();
      });
    } catch (err) {
      this.node.warn(this.t('readFailed', toError(err).message));
      finish();
    }
  }

  /** The state changed: the next periodic save writes it. */
  changed(): void {
    this.dirty = true;
  }

  /** Writes the state now; `cb` runs once it is written or failed. */
  save(cb?: () => void): void {
    this.dirty = false;
    let snapshot: unknown;
    try {
      snapshot = savedState(this.operator?.snapshot(), this.extra?.snapshot());
    } catch (err) {
      this.node.warn(this.t('snapshotFailed', toError(err).message));
      cb?.();
      return;
    }
    try {
      this.node.context().set(STATE_KEY, snapshot, this.store, (err) => {
        if (err) this.node.warn(this.t('saveFailed', toError(err).message));
        cb?.();
      });
    } catch (err) {
      // A store that throws instead of calling back must not keep close() from finishing.
      this.node.warn(this.t('saveFailed', toError(err).message));
      cb?.();
    }
  }

  /** Stops saving; saves once more first when `finalSave` (a restart, not a removal) and the state was read. */
  close(finalSave: boolean, done: () => void): void {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (finalSave && this.loadedFlag) this.save(done);
    else done();
  }

  /** Restores saved state, all or nothing; anything unusable is discarded with one warning naming why. */
  private restore(saved: unknown): void {
    try {
      // Saved by this release or brought to its form from an earlier one.
      const state = readSavedState(saved);
      // Each part refuses a state that does not fit without changing; the operator, restored
      // first, gets its state from before back when the extra state refuses its part.
      const before = this.operator && this.extra && state.extra !== undefined ? this.operator.snapshot() : undefined;
      this.operator?.restore(state.operator);
      if (this.extra && state.extra !== undefined) {
        try {
          this.extra.restore(state.extra);
        } catch (e) {
          if (before !== undefined) this.operator?.restore(before);
          throw e;
        }
      }
    } catch (e) {
      const why = configErrorText(this.node.type, e);
      if (e instanceof SnapshotVersionError) this.node.warn(this.t('discardedVersion', why));
      // Expected after the window settings were edited and deployed: worth a line, not a warning.
      else if (e instanceof ConfigError && !(e instanceof SnapshotError)) this.node.log(this.t('discardedSettings', why));
      else this.node.warn(this.t('discardedDamaged', why));
    }
  }

  private t(key: string, message: string): string {
    return text(this.node.type, `warning.${key}`, { store: this.store, message });
  }
}
