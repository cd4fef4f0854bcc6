/**
 * `npm run fuzz -- --runs N [--seed S] [--budget SECONDS] [--workers W] [--config TEXT]`: the fuzz harness for
 * longer runs than the test suite's; prints the summary and exits 1 when something failed.
 */
import { runFuzz } from './fuzz-runner';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function int(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number (got ${raw})`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const runs = int('runs', 1000);
  const seed = int('seed', Math.floor(Math.random() * 2 ** 31));
  const budget = int('budget', 24 * 3600);
  console.log(`fuzz: ${runs} cases, seed ${seed} (replay with --seed ${seed})`);
  const summary = await runFuzz({
    seed,
    runs,
    budgetMs: budget * 1000,
    shrinkMs: int('shrink', 120) * 1000,
    stallMs: int('stall', 3) * 1000,
    workers: int('workers', 2),
    freezesPerConfig: int('freezes-per-config', 3),
    only: option('config'),
    log: (line) => console.log(line),
  });
  console.log(summary.text);
  process.exitCode = summary.groups.length ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 2;
});
