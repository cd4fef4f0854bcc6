'use strict';
// Finds what keeps the test process alive once every suite has ended: timers, sockets, servers,
// child processes a suite forgot to stop. Each is named with what it is and, for timers, the
// line that set it, so a leftover fails the run with a pointer instead of being hidden by an exit.
const asyncHooks = require('async_hooks');
const { AsyncLocalStorage } = asyncHooks;
const path = require('path');

const root = path.join(__dirname, '..', '..');

/** Timers by async id with where they were set, from creation until they fire for the last time or are cleared. */
const timers = new Map();
/** The title of the test whose code (or whose callbacks, however late) is running. */
const currentTest = new AsyncLocalStorage();

/** Marks what runs from here on, and everything it starts, as part of `title` (call from a root beforeEach). */
function enterTest(title) {
  currentTest.enterWith(title);
}

/** Starts watching; call before any suite loads. */
function watch() {
  const previousLimit = Error.stackTraceLimit;
  asyncHooks
    .createHook({
      init(id, type, _trigger, resource) {
        if (type !== 'Timeout') return;
        Error.stackTraceLimit = 40;
        // The stack is captured now and formatted only if the timer is ever reported.
        const where = new Error();
        Error.stackTraceLimit = previousLimit;
        timers.set(id, { resource, where, test: currentTest.getStore() });
      },
      destroy(id) {
        timers.delete(id);
      },
    })
    .enable();
}

/** The first stack frame in this project's own files (not node_modules, not Node itself). */
function origin(error) {
  const frames = String(error.stack)
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
  const own = frames.find((f) => f.includes(root) && !f.includes('node_modules') && !f.includes(__filename));
  const first = own ?? frames.find((f) => !f.includes(__filename) && !/\(node:|^at node:/.test(f)) ?? frames[0] ?? 'unknown';
  return first.replace(/^at /, '').replace(root + path.sep, '');
}

function describeTimer({ resource, where, test }) {
  const fn = resource._onTimeout;
  const name = fn && fn.name ? fn.name : 'an anonymous function';
  const every = resource._repeat ? `every ${resource._repeat} ms` : `after ${resource._idleTimeout} ms`;
  return `timer (${every}, calls ${name}) set at ${origin(where)}${test ? `, started by the test "${test}"` : ''}`;
}

function describeHandle(h) {
  const kind = h.constructor ? h.constructor.name : typeof h;
  if (kind === 'ChildProcess') return `child process ${h.pid} (${(h.spawnargs || []).join(' ').slice(0, 160)})`;
  if (kind === 'Server' && typeof h.address === 'function') {
    const a = h.address();
    return `server listening on ${a && typeof a === 'object' ? `${a.address}:${a.port}` : a}`;
  }
  if (typeof h.remotePort === 'number' || typeof h.localPort === 'number') {
    return `${kind} ${h.localAddress}:${h.localPort} → ${h.remoteAddress}:${h.remotePort}`;
  }
  if (kind === 'Socket' && h._handle && h._handle.fd !== undefined) return `socket on fd ${h._handle.fd}`;
  return kind;
}

/** What still holds the event loop, each as a readable line; `ignore` lists the caller's own timers. */
function leftovers(ignore = []) {
  const stdio = new Set([process.stdin, process.stdout, process.stderr]);
  const found = [];
  for (const h of process._getActiveHandles()) {
    if (stdio.has(h)) continue;
    if (typeof h.hasRef === 'function' && !h.hasRef()) continue;
    found.push(describeHandle(h));
  }
  for (const t of timers.values()) {
    const r = t.resource;
    if (ignore.includes(r) || r._destroyed || (typeof r.hasRef === 'function' && !r.hasRef())) continue;
    found.push(describeTimer(t));
  }
  for (const r of process._getActiveRequests()) found.push(`pending ${r.constructor ? r.constructor.name : 'request'}`);
  return found;
}

/**
 * After the run: lets what is closing close (up to `graceMs`); a clean process then ends by itself.
 * Anything still open after that is listed and fails the run (exit code 1) instead of keeping it waiting.
 */
function checkAtExit(graceMs = 5000) {
  const deadline = Date.now() + graceMs;
  const poll = setInterval(() => {
    const left = leftovers([poll]);
    if (left.length === 0 || Date.now() < deadline) return;
    clearInterval(poll);
    console.error(`leftover handles: ${left.length} still open ${graceMs} ms after the last test; close them in the suite that opened them:`);
    for (const line of left) console.error(`  - ${line}`);
    process.exit(1);
  }, 100);
  // The check itself must not keep the process alive.
  poll.unref();
}

module.exports = { watch, enterTest, leftovers, checkAtExit };
