// The one way tests wait for something to happen: check a condition until it holds. It runs on the
// real event loop and the real clock, captured before any test fakes them, so it works the same
// under sinon fake timers and never waits longer than its deadline.
const realSetTimeout = global.setTimeout;
const realSetImmediate = global.setImmediate;
const realNow = Date.now;

/** Checks that run on event-loop turns before waiting in steps of real time (most conditions hold within a few turns). */
const TURNS = 100;
const STEP_MS = 10;

/**
 * Resolves once `cond()` holds (a promise for conditions that need a round trip, e.g. to a broker);
 * fails after `ms` of real time naming `what` was awaited.
 */
export async function until(cond: () => boolean | Promise<boolean>, what: string | (() => string), ms = 10_000): Promise<void> {
  const deadline = realNow() + ms;
  for (let i = 0; !(await cond()); i++) {
    if (realNow() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise<void>((resolve) => (i < TURNS ? realSetImmediate(resolve) : realSetTimeout(resolve, STEP_MS)));
  }
}
