import { strict as assert } from 'assert';
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { freePort, startNodeRed, stopProcess } from '../support/editor-browser';
import { packageProblems } from '../support/node-red-log';

// The package in a plain Node-RED 4.1: Node-RED's own default settings (only host and port set),
// no flows, the package linked into the user directory exactly as `npm start` links it. Start-up
// must log no warning or error about the package, and the admin API must list every node type.

const { prepareUserDir } = require('../../scripts/demo/user-dir');

const root = path.join(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));
const TYPES: string[] = Object.keys(pkg['node-red'].nodes);

function get(url: string, accept = 'application/json'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { Accept: accept } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
      })
      .on('error', reject);
  });
}

describe('plain Node-RED with the package installed', function () {
  this.timeout(60000);

  describe('which log lines count as a problem of the package', () => {
    const at = '27 Nov 12:01:13 - ';
    const names = { module: 'node-red-contrib-stream-processing', types: ['stream-filter', 'stream-detect'], dir: '/opt/pkg' };

    it('a failed node set, a missing module, a node error and a missing file count', () => {
      const log = [
        `${at}[warn] ------------------------------------------------------`,
        `${at}[warn] [node-red-contrib-stream-processing/stream-filter] SyntaxError: Unexpected identifier 'error' (line:225)`,
        `${at}[warn] ------------------------------------------------------`,
        `${at}[warn] Missing node modules:`,
        `${at}[warn]  - other-module (1.0.0): stream-detect`,
        `${at}[error] [stream-detect:anomaly] bad config`,
        `${at}[error] Error: ENOENT: no such file or directory, open`,
        `'/opt/pkg/dist/nodes/locales/en-US/stream-x.json'`,
      ].join('\n');
      assert.deepEqual(packageProblems(log, names), [
        "[warn] [node-red-contrib-stream-processing/stream-filter] SyntaxError: Unexpected identifier 'error' (line:225)",
        '[warn]  - other-module (1.0.0): stream-detect',
        '[error] [stream-detect:anomaly] bad config',
        "[error] Error: ENOENT: no such file or directory, open\n'/opt/pkg/dist/nodes/locales/en-US/stream-x.json'",
      ]);
    });

    it('information, and warnings about the settings or other modules, do not', () => {
      const log = [
        `${at}[info] Loading palette nodes`,
        `${at}[info] [stream-filter:plausible] 3 passed`,
        `${at}[warn] Projects disabled : editorTheme.projects.enabled=false`,
        `${at}[warn] `,
        '---------------------------------------------------------------------',
        'Your flow credentials file is encrypted using a system-generated key.',
        `${at}[warn] [node-red-node-smooth/smooth] deprecated`,
        `${at}[error] Error: ENOENT: no such file or directory, open '/opt/pkg/node_modules/other/x.js'`,
      ].join('\n');
      assert.deepEqual(packageProblems(log, names), []);
    });
  });

  describe('start-up and admin API', () => {
    let child: ChildProcess | undefined;
    let userDir: string;
    let base: string;
    let log = () => '';

    before(async function () {
      assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', 'stream-aggregate.js')), 'dist/ is built (npm test builds it first)');
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-plain-'));
      prepareUserDir(userDir, { port, host: '127.0.0.1' });
      // Node-RED's own default settings file, as a fresh install writes it, bound to loopback.
      const settings = path.join(userDir, 'settings.js');
      fs.writeFileSync(
        settings,
        fs.readFileSync(require.resolve('node-red/settings.js'), 'utf8') + `\nmodule.exports.uiHost = '127.0.0.1';\nmodule.exports.uiPort = ${port};\n`,
      );
      const started = await startNodeRed(userDir, settings, 45000);
      child = started.child;
      log = started.output;
    });

    after(async function () {
      this.timeout(20000);
      await stopProcess(child, 'SIGINT');
      if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
    });

    it('registers every node type of package.json, enabled and without an error', async () => {
      const res = await get(`${base}/nodes`);
      assert.equal(res.status, 200, res.body);
      const sets: Array<{ id: string; module: string; types: string[]; enabled: boolean; err?: string; version?: string }> = JSON.parse(res.body);
      const ours = sets.filter((s) => s.module === pkg.name);
      assert.deepEqual(ours.flatMap((s) => s.types).sort(), [...TYPES].sort(), 'the node types Node-RED lists for the package');
      for (const s of ours) {
        assert.equal(s.err, undefined, `${s.id}: ${s.err}`);
        assert.equal(s.enabled, true, `${s.id} is enabled`);
        assert.equal(s.version, pkg.version, `${s.id} version`);
      }
      // No other module claims one of the types.
      for (const s of sets.filter((x) => x.module !== pkg.name)) for (const t of s.types) assert.ok(!TYPES.includes(t), `${s.id} also registers ${t}`);
    });

    // A node set without its .html, help or locales loads without a word in the log: only what the
    // editor is served shows it.
    it("serves every node's dialog, help, messages, icon and the shared editor library", async () => {
      const html = await get(`${base}/nodes`, 'text/html');
      assert.equal(html.status, 200);
      for (const type of TYPES) {
        assert.ok(html.body.includes(`data-template-name="${type}"`), `${type}: dialog template`);
        assert.ok(html.body.includes(`data-help-name="${type}"`), `${type}: help text`);
      }
      const catalogs = JSON.parse((await get(`${base}/nodes/messages?lng=en-US`)).body);
      for (const type of TYPES) {
        const catalog = catalogs[`${pkg.name}/${type}`];
        assert.ok(catalog && catalog[type] && Object.keys(catalog[type]).length > 0, `${type}: en-US messages`);
        // The shared entries are merged in at build time: RED._ finds them in every node's own catalog.
        assert.equal(catalog[type].status?.invalidConfig, 'invalid config', `${type}: shared runtime entries`);
        assert.equal(catalog[type].validator?.oneOf, 'one of __list__', `${type}: shared validator entries`);
        assert.equal(catalog[type].$include, undefined, `${type}: no unexpanded $include`);
      }
      const icons: string[] = JSON.parse((await get(`${base}/icons`)).body)[pkg.name] ?? [];
      const files = fs.readdirSync(path.join(root, 'icons')).filter((f) => f.endsWith('.svg'));
      assert.ok(files.length > 0, 'the package has icons');
      assert.deepEqual([...icons].sort(), files.sort(), 'icons Node-RED lists for the package');
      for (const icon of files) {
        const res = await get(`${base}/icons/${pkg.name}/${icon}`, '*/*');
        assert.equal(res.status, 200, icon);
        assert.match(res.type, /svg/, icon);
      }
      for (const src of new Set([...html.body.matchAll(new RegExp(`src="(resources/${pkg.name}/[^"]+)"`, 'g'))].map((m) => m[1]))) {
        assert.equal((await get(`${base}/${src}`, '*/*')).status, 200, src);
      }
    });

    it('lists every example under Import ▸ Examples', async () => {
      const res = await get(`${base}/library/examples/flows/${pkg.name}`);
      assert.equal(res.status, 200, res.body);
      const listed = (JSON.parse(res.body) as Array<{ fn?: string }>).map((e) => e.fn).sort();
      const files = fs
        .readdirSync(path.join(root, 'examples'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort();
      assert.deepEqual(listed, files);
      for (const fn of files) {
        const flow = await get(`${base}/library/examples/flows/${pkg.name}/${encodeURIComponent(fn)}`);
        assert.equal(flow.status, 200, fn);
        assert.ok(Array.isArray(JSON.parse(flow.body)), `${fn} is a flow`);
      }
    });

    it('logged no warning or error about the package while starting and serving the editor', () => {
      assert.match(log(), /Started flows/);
      assert.deepEqual(packageProblems(log()), []);
    });
  });
});
