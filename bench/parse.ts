/**
 * Front-end benchmark (issue 2): parse+check+resolve time of a generated 2,000-line .rekd file
 * (target < 100 ms after start-up) and the start-up time of `rekdc check` on quickstart.rekd
 * (target < 400 ms). The CPU is shared, so each figure comes with a reference measured in the
 * same run: JSON.parse of the resolved experiments (the same information as plain data), and the
 * start-up of a bare `node` process. `rekdc check` starts from its cached bundle
 * (src/cli/start-cache.mjs; the median hides a first run that rebuilds it). CPU time is
 * reported next to wall time: on a crowded machine it moves much less than wall time.
 * Alone: `npx tsx bench/parse.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileSource } from '../src/compiler.ts';

export interface ParseBenchResult {
  lines: number;
  experiments: number;
  /** Median ms of compileSource (parse, imports, extends, rules, resolution, schema validation). */
  checkMs: number;
  /** Median CPU ms (user + system) of the same. */
  checkCpuMs: number;
  /** Median ms of JSON.parse of the resolved experiments, the same-run reference. */
  jsonParseMs: number;
  /** Median ms of `node bin/rekdc.js check experiments/quickstart.rekd`. */
  startupMs: number;
  /** Its median CPU ms, when /usr/bin/time can measure it (else null). */
  startupCpuMs: number | null;
  /** Median ms of `node -e 0`, the same-run reference for start-up. */
  nodeStartupMs: number;
  nodeStartupCpuMs: number | null;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One experiment of 40 lines using most constructs; `i` varies its values. */
function experimentText(i: number): string {
  return `// experiment ${i}
experiment e${i} {
  seed = ${i}
  backend = cpu
  batch_size = ${32 + (i % 4) * 32}
  data synthetic {
    classes = ${2 + (i % 8)}
    size = 28
    count = 1000
  }
  augment {
    random_resized_crop { scale = 0.2 .. 1.0, ratio = 0.75 .. 1.3333 }
    horizontal_flip { p = 0.5 }
    color_jitter { brightness = 0.4, contrast = 0.4, saturation = 0.4, hue = 0.1, p = 0.8 }
    grayscale { p = 0.2 }
    gaussian_blur { sigma = 0.1 .. 2.0, p = 0.5 }
  }
  teacher resnet18 {
    width = 0.25
    embed = 128
    mode = online
  }
  student ${['alexnet', 'mobilenetv2', 'shufflenetv2', 'resnet18'][i % 4]} {
    width = 0.5
    embed = 128
  }
  loss {
    instance moco { weight = 1.0, temperature = 0.2, queue = 4096, momentum = 0.99 }
    relation rekd { weight = 1.0, temperature = ${(0.05 + (i % 5) * 0.05).toFixed(2)}, miner = prototype }
  }
  optimizer sgd { lr = 0.06, momentum = 0.9, weight_decay = 5e-4 }
  schedule cosine { epochs = ${5 + (i % 3)}, warmup_epochs = 1 }
  eval {
    linear { epochs = 10 }
    knn { k = 20 }
    collapse {}
  }
}
`;
}

/** A file of about `lines` lines: whole experiments plus a 2x2 grid over the first. */
export function generateRekdFile(lines = 2000): string {
  const parts: string[] = [];
  let count = 0;
  for (let i = 0; count < lines - 6; i++) {
    const text = experimentText(i);
    parts.push(text);
    count += text.split('\n').length - 1;
  }
  parts.push('grid g of e0 {\n  seed = [1, 2]\n  student = [alexnet, resnet18]\n}\n');
  return parts.join('');
}

/** Median wall and CPU ms of `fn` after one warm-up call (JIT, lazily built parser). */
function time(fn: () => void, repeats: number): { wall: number; cpu: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const used = process.cpuUsage();
    fn();
    const spent = process.cpuUsage(used);
    wall.push(performance.now() - start);
    cpu.push((spent.user + spent.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const TIME = '/usr/bin/time';

/** Median wall and CPU ms of a node child process; CPU via /usr/bin/time when it exists. */
function spawnMs(args: string[], repeats: number): { wall: number; cpu: number | null } {
  const wall: number[] = [];
  const cpu: number[] = [];
  const timed = existsSync(TIME);
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const result = timed
      ? spawnSync(TIME, ['-f', 'rekd-cpu %U %S', process.execPath, ...args], { cwd: root, encoding: 'utf8' })
      : spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    wall.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    const times = /rekd-cpu ([\d.]+) ([\d.]+)/.exec(result.stderr);
    if (times) cpu.push((Number(times[1]) + Number(times[2])) * 1000);
  }
  return { wall: median(wall), cpu: cpu.length ? median(cpu) : null };
}

export function measureParse(options: { lines?: number; repeats?: number; startups?: number } = {}): ParseBenchResult {
  const text = generateRekdFile(options.lines ?? 2000);
  const first = compileSource(text, 'bench.rekd');
  if (!first.ok) throw new Error('the generated benchmark file does not check clean');
  const json = JSON.stringify([...first.experiments.values()]);
  const repeats = options.repeats ?? 15;
  const startups = options.startups ?? 5;
  const check = time(() => compileSource(text, 'bench.rekd'), repeats);
  const startup = spawnMs(['bin/rekdc.js', 'check', 'experiments/quickstart.rekd'], startups);
  const node = spawnMs(['-e', '0'], startups);
  return {
    lines: text.split('\n').length - 1,
    experiments: first.experiments.size,
    checkMs: check.wall,
    checkCpuMs: check.cpu,
    jsonParseMs: time(() => JSON.parse(json), repeats).wall,
    startupMs: startup.wall,
    startupCpuMs: startup.cpu,
    nodeStartupMs: node.wall,
    nodeStartupCpuMs: node.cpu,
  };
}

export async function benchParse(): Promise<ParseBenchResult> {
  const r = measureParse();
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`parse: ${r.lines}-line file, ${r.experiments} experiments + a 4-cell grid`);
  const cpu = (ms: number | null) => (ms === null ? '' : `, CPU ${f(ms)}`);
  console.log(`parse: check ${f(r.checkMs)}${cpu(r.checkCpuMs)} (target < 100 ms); JSON.parse of the resolved result ${f(r.jsonParseMs)}, ratio ${(r.checkMs / r.jsonParseMs).toFixed(1)}x`);
  console.log(`parse: start-up of rekdc check quickstart.rekd ${f(r.startupMs)}${cpu(r.startupCpuMs)} (target < 400 ms); ` +
    `bare node ${f(r.nodeStartupMs)}${cpu(r.nodeStartupCpuMs)}, rekdc adds ${f(r.startupMs - r.nodeStartupMs)}`);
  return r;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchParse();
