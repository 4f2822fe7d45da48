/**
 * Grids across machines: a real redis-server on a free loopback port, two `rekdc worker`s (each
 * in its own folder, as on two machines) and `rekdc grid --queue` with four tiny cells. One worker
 * is killed (with its training program) in the middle of a cell: the other takes the job over
 * after the lock timeout, and every cell's result is recorded exactly once. A payload that fails
 * the schema is rejected without being compiled or retried.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { Queue, QueueEvents } from 'bullmq';
import { QUEUE_NAME, redisClient } from '../src/grid/queue.ts';
import { tinyExperiment } from './grid-fixture.ts';

const rekdc = path.resolve('bin/rekdc.js');

const file = `${tinyExperiment(`
  loss { instance moco { queue = 32 } }
  schedule cosine { epochs = 2 }`)}
grid seeds of tiny { seed = [1, 2, 3, 4] }
`;

/** redis-server's path, installing the Debian package when it is missing and we may; null when impossible. */
function redisServer(): string | null {
  const find = () => spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim() || null;
  if (find()) return find();
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  const apt = (args: string[]) => spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(root ? [] : ['apt-get']), ...args], { stdio: 'ignore', timeout: 300_000 });
  if (apt(['install', '-y', 'redis-server']).status !== 0) {
    apt(['update']);
    apt(['install', '-y', 'redis-server']);
  }
  return find();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Proc { child: ChildProcess; stderr: () => string; exited: Promise<number | null> }

function start(command: string, args: string[], cwd: string): Proc {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stderr += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

async function until(condition: () => boolean, what: string, timeoutMs: number, output: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('rekdc grid --queue with rekdc worker (BullMQ on redis-server)', function () {
  this.timeout(180_000);
  let redis: Proc | undefined;
  let url = '';
  const started: Proc[] = [];
  const folders: string[] = [];
  const folder = (name: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rekd-queue-${name}-`));
    folders.push(dir);
    return dir;
  };

  before(async function () {
    const server = redisServer();
    if (!server) {
      console.log('    redis-server is not installed and could not be installed (apt-get): skipping the queue test');
      this.skip();
    }
    const port = await freePort();
    redis = start(server!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], os.tmpdir());
    await until(() => /Ready to accept connections/.test(redis!.stderr()), 'redis-server', 20_000);
    url = `redis://127.0.0.1:${port}`;
  });

  after(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    redis?.child.kill('SIGKILL');
    await Promise.all([...started, ...(redis ? [redis] : [])].map((p) => p.exited));
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records all four cells exactly once although a worker dies mid-cell', async () => {
    const worker = (name: string) => {
      const proc = start(process.execPath, [rekdc, 'worker', '--queue', url, '--lock-timeout', '15'], folder(name));
      started.push(proc);
      return proc;
    };
    const doomed = worker('a');
    const survivor = worker('b');
    await until(() => /waiting for cells/.test(doomed.stderr()) && /waiting for cells/.test(survivor.stderr()), 'both workers', 60_000,
      () => doomed.stderr() + survivor.stderr());

    const cwd = folder('grid');
    fs.writeFileSync(path.join(cwd, 'ablation.rekd'), file);
    const grid = start(process.execPath, [rekdc, 'grid', 'ablation.rekd', 'seeds', '--queue', url], cwd);
    started.push(grid);

    // Kill the first worker (and its training program, as a dying machine would) during a step.
    await until(() => /step 1\/4/.test(doomed.stderr()), 'a training step on the first worker', 90_000);
    const cell = /worker: job \S+ \((seeds_\d) of grid seeds/.exec(doomed.stderr())![1];
    // The lock of the cell's run directory holds its training program's pid.
    const lockFiles = fs.readdirSync(path.join(folders[0], 'runs')).map((d) => path.join(folders[0], 'runs', d, '.lock')).filter((f) => fs.existsSync(f));
    doomed.child.kill('SIGKILL');
    for (const lock of lockFiles) process.kill(Number(fs.readFileSync(lock, 'utf8')), 'SIGKILL');

    expect(await grid.exited, grid.stderr()).to.equal(0);
    const log = grid.stderr();
    for (let i = 0; i < 4; i++) expect(log.match(new RegExp(`grid: seeds_${i} done by `, 'g')), `seeds_${i}`).to.have.length(1);
    // The killed worker's cell was finished by the other one.
    const survivorName = /done by (\S+)/.exec(log.split('\n').find((l) => l.startsWith(`grid: ${cell} done by`))!)![1];
    expect(survivorName).to.equal(`${os.hostname()}:${survivor.child.pid}`);

    const rows = fs.readFileSync(path.join(cwd, 'runs/grids/seeds/results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(',').slice(0, 3).join(','))).to.deep.equal(['seeds_0,1,complete', 'seeds_1,2,complete', 'seeds_2,3,complete', 'seeds_3,4,complete']);
    for (const row of rows) expect(Number(row.split(',')[3])).to.be.within(0, 1);

    const client = redisClient(url);
    const queue = new Queue(QUEUE_NAME, { connection: client });
    try {
      expect(await queue.getJobCounts('completed', 'failed', 'active', 'wait')).to.deep.equal({ completed: 4, failed: 0, active: 0, wait: 0 });
    } finally {
      await queue.close();
      await client.quit();
    }
  });

  it('rejects a payload that fails the schema before compiling it, without retries', async () => {
    const clients = [redisClient(url), redisClient(url)];
    const queue = new Queue(QUEUE_NAME, { connection: clients[0] });
    const events = new QueueEvents(QUEUE_NAME, { connection: clients[1] });
    try {
      await events.waitUntilReady();
      const payload = { grid: 'x', cell: 'x_0', values: {}, file: 'x.rekd', source: '', experiment: { name: 'x_0', seed: 'not a number' } };
      const job = await queue.add('x_0', payload, { attempts: 3 });
      const failure = await job.waitUntilFinished(events).then(() => null, (error: Error) => error);
      expect(failure?.message).to.contain("the job payload's experiment fails the schema");
      const after = await queue.getJob(job.id!);
      expect(after!.attemptsMade).to.equal(1);
    } finally {
      await events.close();
      await queue.close();
      await Promise.all(clients.map((c) => c.quit()));
    }
  });
});
