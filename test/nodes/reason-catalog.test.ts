import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_REASONS } from '../../src/core/config-reasons';
import { INPUT_REASONS } from '../../src/core/input-reasons';
import { InputError, SnapshotError } from '../../src/core/errors';
import { MAX_EVENT_TIME } from '../../src/core/time-range';
import { readSavedState } from '../../src/core/snapshot-migration';
import { processBatch } from '../../src/nodes/shared/batch';
import { configErrorText } from '../../src/nodes/shared/config-error';
import { inputErrorText, localInputError } from '../../src/nodes/shared/input-error';
import { useCatalog } from '../../src/nodes/shared/i18n';
import { RedAPI } from '../../src/nodes/shared/red';
import { deploy, helper, restart, settle, until } from './stream-window-support';

const root = path.join(__dirname, '..', '..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}
const sources = sourceFiles(src).map((file) => ({ file: path.relative(root, file).split(path.sep).join('/'), text: fs.readFileSync(file, 'utf8') }));

/**
 * The setting errors that stay English without a code: they refuse how code calls an operator
 * (callbacks, the options object), which no flow setting can cause. File and field.
 */
const INTERNAL: readonly string[] = [
  'src/core/window-operator.ts options',
  'src/core/window-operator.ts onEmit',
  'src/core/window-operator.ts aggregate',
  'src/core/window-operator.ts onWindow',
  'src/core/sequence/sequence-operator.ts onMatch',
  'src/core/sequence/sequence-operator.ts onTimeout',
  'src/core/join/join-operator.ts onJoin',
  'src/core/join/join-operator.ts join',
  'src/core/event-time-guard.ts clock',
];

/** The first argument of each `new <cls>(` in `text` (a quoted field without its quotes). */
function constructed(text: string, cls: string): string[] {
  return [...text.matchAll(new RegExp(`new\\s+${cls}\\s*\\(\\s*([^,)]*)`, 'g'))].map((m) => m[1].trim().replace(/^'(.*)'$/, '$1'));
}

/** `<file> <first argument>` of each `new <cls>(` outside errors.ts, where the classes themselves are made from a code. */
function uncoded(cls: string): string[] {
  return sources.filter((s) => s.file !== 'src/core/errors.ts').flatMap(({ file, text }) => constructed(text, cls).map((arg) => `${file} ${arg}`));
}

const placeholders = (text: string): string[] => [...text.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
const locales = fs.readdirSync(path.join(root, 'nodes', 'locales')).filter((d) => fs.statSync(path.join(root, 'nodes', 'locales', d)).isDirectory());

describe('every error a user sees has a reason code and a catalog entry', () => {
  it('no setting error is written out without a code, except the listed ones about calling code', () => {
    assert.deepEqual(uncoded('ConfigError').sort(), [...INTERNAL].sort());
  });

  it('no bad-input error is written out without a code', () => {
    assert.deepEqual(uncoded('InputError'), []);
  });

  it('no saved-state error is written out without a code', () => {
    assert.deepEqual(uncoded('SnapshotError'), []);
    const versions = uncoded('SnapshotVersionError');
    assert.ok(versions.length > 0);
    assert.deepEqual(
      versions.filter((site) => !(site.slice(site.indexOf(' ') + 1) in CONFIG_REASONS)),
      [],
    );
  });

  it('the guard finds an error written out without a code', () => {
    const probe =
      "throw new ConfigError('size', 'too big');\nthrow new InputError(\n  label,\n  `x`);\nthrow new BatchInputError(p, 1, 2, e);\nthrow new SnapshotError(`${what}: bad`);";
    assert.deepEqual(constructed(probe, 'ConfigError'), ['size']);
    assert.deepEqual(constructed(probe, 'InputError'), ['label']);
    assert.deepEqual(constructed(probe, 'SnapshotError'), ['`${what}: bad`']);
  });

  for (const [file, group, reasons] of [
    ['config-errors.json', 'configError', CONFIG_REASONS],
    ['input-errors.json', 'inputError', INPUT_REASONS],
  ] as const) {
    it(`${file}: every locale has exactly the codes, with the same placeholders (English: the same text)`, () => {
      assert.ok(locales.includes('en-US'));
      for (const lang of locales) {
        const fragment = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', lang, 'fragments', file), 'utf8'));
        assert.deepEqual(Object.keys(fragment), [group], lang);
        const entries = fragment[group] as Record<string, string>;
        assert.deepEqual(Object.keys(entries).sort(), Object.keys(reasons).sort(), `${lang}: codes`);
        for (const [code, english] of Object.entries(reasons)) {
          if (lang === 'en-US') assert.equal(entries[code], english, code);
          else assert.deepEqual(placeholders(entries[code]), placeholders(english), `${lang} ${code}`);
        }
      }
    });

    it(`${file}: every code is used in src`, () => {
      const own = /src\/core\/(config|input)-reasons\.ts$/;
      const used = sources.filter((s) => !own.test(s.file)).map((s) => s.text);
      const unused = Object.keys(reasons).filter((code) => !used.some((text) => new RegExp(`['"\`]${code}['"\`]`).test(text)));
      assert.deepEqual(unused, []);
    });
  }

  it('every node catalog includes the input reasons', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    for (const type of Object.keys(pkg['node-red'].nodes)) {
      for (const lang of locales) {
        const catalog = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', lang, `${type}.json`), 'utf8'));
        assert.ok(catalog[type].$include.includes('input-errors'), `${lang} ${type}`);
      }
    }
  });
});

describe("bad-input errors in the user's language", () => {
  const runtime = (translate: (key: string, params?: Record<string, unknown>) => string): RedAPI => ({ _: translate }) as unknown as RedAPI;
  const batchError = (): InputError => {
    try {
      processBatch([{ payload: 1 }, 7, { payload: 2 }], (item) => {
        if (item.payload === 2) throw InputError.of('msg.payload', 'notJson', { got: 'string "{"' });
      });
    } catch (err) {
      if (err instanceof InputError) return err;
    }
    throw new Error('no InputError');
  };

  it('in English the text is the error itself, byte for byte', () => {
    useCatalog(
      runtime((key) => key),
      'stream-aggregate',
    );
    const err = InputError.of('msg.timestamp', 'eventTime', { label: 'msg.timestamp', got: 'string "soon"' });
    assert.equal(err.message, 'msg.timestamp: expected an event time (ms since the epoch, an ISO-8601 string or a Date), got string "soon"');
    assert.equal(localInputError('stream-aggregate', err), err);
    const batch = batchError();
    assert.equal(
      batch.message,
      '2 of 3 elements rejected; first: msg.payload[1] is number 7; batch elements must be message-like objects ({ topic, payload, timestamp })',
    );
    assert.equal(inputErrorText('stream-aggregate', batch), batch.message);
  });

  it('another language: the reason from RED._ with its parameters, a batch with its first element said too; the error keeps what it counts', () => {
    const asked: string[] = [];
    useCatalog(
      runtime((key, params) => {
        asked.push(key);
        if (key === 'stream-filter.inputError.batchRejected') return `${params?.bad} von ${params?.total} abgelehnt; zuerst: ${params?.first}`;
        if (key === 'stream-filter.inputError.batchElement') return `msg.payload[${params?.index}] ist ${params?.got}`;
        return key;
      }),
      'stream-filter',
    );
    const batch = batchError();
    const said = localInputError('stream-filter', batch) as InputError & { elements: number };
    assert.equal(said.message, '2 von 3 abgelehnt; zuerst: msg.payload[1] ist number 7');
    assert.ok(said instanceof InputError);
    assert.equal(said.property, batch.property);
    assert.equal(said.elements, 2);
    assert.equal(said.code, 'batchRejected');
    assert.deepEqual(asked, ['stream-filter.inputError.batchElement', 'stream-filter.inputError.batchRejected']);
    // The thrown error itself stays English, for logs.
    assert.match(batch.message, /^2 of 3 elements rejected/);
    // A reason the catalog does not have falls back to the English catalog the package ships.
    const other = InputError.of('msg.qos', 'mqttQos', { got: 'number 3' });
    assert.equal(inputErrorText('stream-filter', other), 'msg.qos must be 0, 1 or 2, got number 3');
  });

  describe('in a Node-RED runtime', () => {
    afterEach(() => helper.unload());

    it('a bad message reaches a Catch node in the words of the node catalog, and is still counted', async () => {
      const d = await deploy('stream-aggregate', { windowType: 'global', count: '2', aggregations: [{ op: 'avg' }] });
      // The node registered with the runtime's RED._; a runtime in another language answers the same key.
      useCatalog(
        runtime((key, params) => (key === 'stream-aggregate.inputError.expectedNumber' ? `${params?.label} ist ${params?.got}, keine Zahl` : key)),
        'stream-aggregate',
      );
      d.send({ topic: 'k', payload: 'hot', timestamp: 1 });
      d.send({ topic: 'k', payload: 2, timestamp: 2 });
      d.send({ topic: 'k', payload: 4, timestamp: 3 });
      await until(() => d.caught.length === 1 && d.out[0].length === 1, 'an error and a result');
      // Node-RED reports done(err) as err.toString(), the class name first, as it did in English.
      assert.equal(d.caught[0].error.message, 'InputError: msg.payload ist string "hot", keine Zahl');
      assert.equal(d.out[0][0].payload.avg, 3);
      await until(
        () => /1 rejected/.test(String(d.node.status.lastCall?.args[0]?.text ?? '')),
        () => 'the status counts the rejected message',
      );
    });
  });
});

describe("saved-state errors in the user's language", () => {
  const runtime = (translate: (key: string, params?: Record<string, unknown>) => string): RedAPI => ({ _: translate }) as unknown as RedAPI;
  const damagedTime = (): SnapshotError => SnapshotError.because('snapshotTime', { what: 'oldest', max: MAX_EVENT_TIME, got: 'string "x"' });

  it('in English the text is the error itself, byte for byte, a quoted error included', () => {
    useCatalog(
      runtime((key) => key),
      'stream-sliding-window',
    );
    const inner = damagedTime();
    assert.equal(inner.message, `snapshot: oldest: expected a time in ms within ±${MAX_EVENT_TIME}, got string "x"`);
    const outer = SnapshotError.quoting('snapshotPart', { what: 'key "a" window' }, inner);
    assert.equal(outer.message, `snapshot: key "a" window: snapshot: oldest: expected a time in ms within ±${MAX_EVENT_TIME}, got string "x"`);
    assert.equal(configErrorText('stream-sliding-window', outer), outer.message);
    const thrown = SnapshotError.quoting('snapshotAccumulator', {}, new RangeError('bad sum'));
    assert.equal(configErrorText('stream-sliding-window', thrown), 'snapshot: an accumulator cannot be read back: bad sum');
  });

  it('another language: the reason from RED._, a quoted saved-state error said the same way', () => {
    useCatalog(
      runtime((key, params) => {
        if (key === 'stream-sliding-window.configError.snapshotPart') return `${params?.what}: ${params?.reason} (übersetzt)`;
        if (key === 'stream-sliding-window.configError.snapshotTime') return `${params?.what}: keine Zeit, sondern ${params?.got}`;
        return key;
      }),
      'stream-sliding-window',
    );
    const outer = SnapshotError.quoting('snapshotPart', { what: 'key "a" window' }, damagedTime());
    assert.equal(configErrorText('stream-sliding-window', outer), 'snapshot: key "a" window: snapshot: oldest: keine Zeit, sondern string "x" (übersetzt)');
    // The error itself stays English, for logs.
    assert.match(outer.message, /expected a time in ms/);
  });

  it('saved state of an unknown version: English as the error itself, another language from RED._', () => {
    const newer = (): unknown => {
      try {
        readSavedState({ version: 99 });
      } catch (err) {
        return err;
      }
      throw new Error('no SnapshotVersionError');
    };
    useCatalog(
      runtime((key) => key),
      'stream-join',
    );
    const err = newer() as Error;
    assert.equal(configErrorText('stream-join', err), err.message);
    useCatalog(
      runtime((key, params) => (key === 'stream-join.configError.snapshotVersionOther' ? `Version ${params?.found} unbekannt` : key)),
      'stream-join',
    );
    assert.equal(configErrorText('stream-join', err), 'Version 99 unbekannt');
  });

  describe('in a Node-RED runtime', () => {
    afterEach(async () => {
      await helper.unload();
      helper.settings({ contextStorage: undefined });
    });

    it('damaged saved windows are discarded with a warning in the words of the node catalog', async () => {
      helper.settings({ contextStorage: { memory: { module: 'memory' } } });
      await deploy('stream-tumbling-window', { size: '10s', store: 'memory' });
      // The memory store is configured from settings only when the context stores open again.
      const d = await restart(1);
      d.send({ topic: 'k', payload: 1, timestamp: Date.UTC(2026, 0, 1) });
      await settle();
      const ctx = d.node.context();
      // Stopping saves the node's real state; one part of it is damaged while the node is stopped.
      await helper._redNodes.stopFlows();
      const saved = await new Promise<{ operator: { keys: Array<{ windows: unknown }> } }>((resolve) =>
        ctx.get('streamState', 'memory', (_e: unknown, v: never) => resolve(v)),
      );
      saved.operator.keys[0].windows = 'damaged';
      await new Promise<void>((resolve) => ctx.set('streamState', saved, 'memory', () => resolve()));
      useCatalog(
        runtime((key, params) => {
          if (key === 'stream-tumbling-window.configError.snapshotList') return `${params?.what}: keine Liste (${params?.got})`;
          if (key === 'stream-tumbling-window.warning.discardedDamaged') return `verworfen: ${params?.message}`;
          return key;
        }),
        'stream-tumbling-window',
      );
      await helper._redNodes.startFlows();
      const node = helper.getNode('n');
      await until(() => node.warn.callCount > 0, 'a warning');
      assert.deepEqual(
        node.warn.getCalls().map((c: { args: unknown[] }) => String(c.args[0])),
        ['verworfen: snapshot: key "k" windows: keine Liste (string "damaged")'],
      );
    });
  });
});
