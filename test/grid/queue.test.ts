/**
 * Grids across machines: a real redis-server on a free loopback port, two `rekdc worker`s (each
 * in its own folder, as on two machines) and `rekdc grid --queue` with four tiny cells. One worker
 * is killed (SIGKILL, alone) in the middle of a cell: its training program ends by itself, the
 * other worker takes the job over after the lock timeout, and every cell's result is recorded
 * exactly once. Redis restarted empty mid-grid: the grid queues the lost jobs again and finishes.
 * Redis unreachable: one line, then a clear exit. A payload that fails the schema is rejected
 * without being compiled or retried. What the grid reads of a job, step by step with a worker
 * driven by hand: a job completing between the grid's reads is never taken for one completed
 * without a result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { isRunning } from '../../src/runs/lock.ts';
import { QUEUE_NAME, QueueConnection, readCellJob, type CellJobRead, type CellPayload, type CellResult } from '../../src/grid/queue.ts';
import { redacted, redisOptions } from '../../src/grid/redis-url.ts';
import { UsageError } from '../../src/runs/usage-error.ts';
import { tinyExperiment } from './fixture.ts';
import { start, until, type Proc } from './processes.ts';
import { freePort, redisServer, startRedis } from './redis-server.ts';

const rekdc = path.resolve('bin/rekdc.js');

const file = `${tinyExperiment(`
  loss { instance moco { queue = 32 } }
  schedule cosine { epochs = 2 }`)}
grid seeds of tiny { seed = [1, 2, 3, 4] }
grid pair of tiny { seed = [5, 6] }
`;

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

  let server: string | null = null;
  let port = 0;
  /** This suite's redis-server on its port: started before the tests and again after a kill, empty each time. */
  const startSuiteRedis = async () => {
    redis = await startRedis(server!, port);
  };
  const worker = (name: string, ...options: string[]) => {
    const proc = start(process.execPath, [rekdc, 'worker', '--queue', url, ...options], folder(name));
    started.push(proc);
    return proc;
  };
  const gridFolder = () => {
    const cwd = folder('grid');
    fs.writeFileSync(path.join(cwd, 'ablation.rekd'), file);
    return cwd;
  };
  /** Each cell's `grid: <cell> done by <worker>` line, exactly once per cell. */
  const doneBy = (log: string, cells: string[]): string[] => cells.map((cell) => {
    const lines = log.split('\n').filter((line) => line.startsWith(`grid: ${cell} done by `));
    expect(lines, cell).to.have.length(1);
    return lines[0].slice(`grid: ${cell} done by `.length);
  });

  before(async function () {
    server = redisServer();
    if (!server) {
      console.log('    redis-server is not installed and could not be installed (apt-get): skipping the queue test');
      this.skip();
    }
    port = await freePort();
    await startSuiteRedis();
    url = `redis://127.0.0.1:${port}`;
  });

  after(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    redis?.child.kill('SIGKILL');
    await Promise.all([...started, ...(redis ? [redis] : [])].map((p) => p.exited));
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records all four cells exactly once although a worker dies mid-cell, whose training program ends with it', async () => {
    const doomed = worker('a', '--lock-timeout', '15');
    const survivor = worker('b', '--lock-timeout', '15');
    await until(() => /waiting for cells/.test(doomed.stderr()) && /waiting for cells/.test(survivor.stderr()), 'both workers', 60_000,
      () => doomed.stderr() + survivor.stderr());

    const cwd = gridFolder();
    const grid = start(process.execPath, [rekdc, 'grid', 'ablation.rekd', 'seeds', '--queue', url], cwd);
    started.push(grid);

    // Kill the first worker alone (kill -9) during a step: its training program must not train on.
    await until(() => /step 1\/4/.test(doomed.stderr()), 'a training step on the first worker', 90_000);
    const cell = /worker: job \S+ \((seeds_\d) of grid seeds/.exec(doomed.stderr())![1];
    // The lock of the cell's run directory names its training program.
    const runs = path.join(folders[0], 'runs');
    const [lock] = fs.readdirSync(runs).map((d) => path.join(runs, d, '.lock')).filter((f) => fs.existsSync(f));
    const program: number = JSON.parse(fs.readFileSync(lock, 'utf8')).pid;
    doomed.child.kill('SIGKILL');
    await until(() => !isRunning(program), 'the killed worker\'s training program to end', 2000);

    expect(await grid.exited, grid.stderr()).to.equal(0);
    const workers = doneBy(grid.stderr(), ['seeds_0', 'seeds_1', 'seeds_2', 'seeds_3']);
    // The killed worker's cell was finished by the other one.
    expect(workers[Number(cell.slice(-1))]).to.equal(`${os.hostname()}:${survivor.child.pid}`);

    const rows = fs.readFileSync(path.join(cwd, 'runs/grids/seeds/results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(',').slice(0, 4).join(','))).to.deep.equal(['seeds_0,1,moco,complete', 'seeds_1,2,moco,complete', 'seeds_2,3,moco,complete', 'seeds_3,4,moco,complete']);
    for (const row of rows) expect(Number(row.split(',')[4])).to.be.within(0, 1);
    // How each cell ran came back from its worker's folder with its results (run-info.json).
    const header = fs.readFileSync(path.join(cwd, 'runs/grids/seeds/results.csv'), 'utf8').split('\n')[0].split(',');
    for (const row of rows) {
      const field = (name: string) => row.split(',')[header.indexOf(name)];
      expect(Number(field('training_seconds')), row).to.be.above(0);
      expect(field('kernel_path'), row).to.match(/^(avx512|avx2|wasm)$/);
    }

    const connection = new QueueConnection(url);
    const queue = new Queue(QUEUE_NAME, { connection: connection.client });
    try {
      expect(await queue.getJobCounts('completed', 'failed', 'active', 'wait')).to.deep.equal({ completed: 4, failed: 0, active: 0, wait: 0 });
    } finally {
      await queue.close();
      await connection.close();
    }
    survivor.child.kill('SIGKILL');
  });

  it('finishes a grid across a restart of Redis that loses every job', async () => {
    const only = worker('c');
    await until(() => /waiting for cells/.test(only.stderr()), 'the worker', 60_000, only.stderr);
    const cwd = gridFolder();
    const grid = start(process.execPath, [rekdc, 'grid', 'ablation.rekd', 'pair', '--queue', url], cwd);
    started.push(grid);
    await until(() => /step 1\/4/.test(only.stderr()), 'a training step', 90_000, only.stderr);
    redis!.child.kill('SIGKILL');
    await redis!.exited;
    await startSuiteRedis();

    expect(await grid.exited, grid.stderr()).to.equal(0);
    const log = grid.stderr();
    // Redis is back within the first reconnection delays: at most one line about it.
    expect(log.match(/is unreachable/g) ?? [], log).to.have.length.at.most(1);
    expect(log).to.match(/pair_\d's job is gone from the queue \(Redis restarted\?\): queued again/);
    doneBy(log, ['pair_0', 'pair_1']);
    const rows = fs.readFileSync(path.join(cwd, 'runs/grids/pair/results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(',').slice(0, 4).join(','))).to.deep.equal(['pair_0,5,moco,complete', 'pair_1,6,moco,complete']);
    only.child.kill('SIGKILL');
  });

  it('says once that an unreachable queue is unreachable, then gives up with a clear exit', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const cwd = gridFolder();
    const [grid, lonely] = [
      start(process.execPath, [rekdc, 'grid', 'ablation.rekd', 'pair', '--queue', closed, '--queue-timeout', '2'], cwd),
      start(process.execPath, [rekdc, 'worker', '--queue', closed, '--queue-timeout', '2'], folder('d')),
    ];
    started.push(grid, lonely);
    expect(await grid.exited).to.equal(1);
    expect(await lonely.exited).to.equal(1);
    for (const [proc, giveUp] of [[grid, 'rekdc grid: the queue'], [lonely, 'worker: the queue']] as const) {
      const lines = proc.stderr().trim().split('\n').filter((line) => !line.startsWith('results so far'));
      expect(lines, proc.stderr()).to.deep.equal([
        `queue: ${closed} is unreachable (connect ECONNREFUSED ${closed.slice('redis://'.length)}); retrying for up to 2 s`,
        lines[1],
      ]);
      expect(lines[1]).to.match(new RegExp(`^${giveUp} at ${closed} has been unreachable for 2 s: giving up`));
    }
    expect(grid.stderr()).to.include('run the same command again');
  });

  it('connects with a URL that names localhost, a password and a database, and never prints the password', async () => {
    const securePort = await freePort();
    const secured = await startRedis(server!, securePort, '--requirepass', 's3cret');
    started.push(secured);
    const secureUrl = `redis://:s3cret@localhost:${securePort}/3`;
    const connection = new QueueConnection(secureUrl);
    try {
      await connection.ready();
      expect(connection.client.options).to.include({ host: 'localhost', port: securePort, password: 's3cret', db: 3 });
      expect(await connection.client.client('INFO')).to.match(/ db=3 /);
    } finally {
      await connection.close();
    }
    const listening = start(process.execPath, [rekdc, 'worker', '--queue', secureUrl], folder('f'));
    started.push(listening);
    await until(() => /waiting for cells/.test(listening.stderr()), 'the worker', 60_000, listening.stderr);
    expect(listening.stderr()).to.contain(`worker: waiting for cells on redis://:***@localhost:${securePort}/3\n`).and.not.contain('s3cret');
    listening.child.kill('SIGINT');
    expect(await listening.exited).to.equal(130);
    secured.child.kill('SIGKILL');
  });

  it('rejects a payload that fails the schema before compiling it, without retries', async () => {
    const checking = worker('e');
    await until(() => /waiting for cells/.test(checking.stderr()), 'the worker', 60_000, checking.stderr);
    const connections = [new QueueConnection(url), new QueueConnection(url)];
    const queue = new Queue(QUEUE_NAME, { connection: connections[0].client });
    const events = new QueueEvents(QUEUE_NAME, { connection: connections[1].client });
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
      await Promise.all(connections.map((c) => c.close()));
    }
  });
});

describe('readCellJob: what the grid reads of a cell\'s job', function () {
  this.timeout(60_000);
  const name = 'rekd-cells-read';
  const result: CellResult = {
    eval: { linear: { top1: 0.5 } },
    status: { state: 'finished', step: 4, epoch: 2, updated: '2026-01-01T00:00:00.000Z' },
    metrics: '{"step":4}\n',
    wall_seconds: 1.5,
    worker: 'test:1',
  };
  // readCellJob reads no payload.
  const payload = {} as CellPayload;
  let redis: Proc | undefined;
  let connection: QueueConnection;
  let queue: Queue<CellPayload, CellResult>;
  /** Takes jobs by hand (no processor): each step of a job's life happens when the test says. */
  let worker: Worker<CellPayload, CellResult>;

  before(async function () {
    const server = redisServer();
    if (!server) this.skip();
    const port = await freePort();
    redis = await startRedis(server!, port);
    connection = new QueueConnection(`redis://127.0.0.1:${port}`);
    queue = new Queue(name, { connection: connection.client });
    worker = new Worker(name, null, { connection: connection.client, autorun: false });
  });

  // Each test starts from an empty Redis.
  afterEach(() => connection.client.flushall());

  after(async () => {
    await worker?.close();
    await queue?.close();
    await connection?.close();
    redis?.child.kill('SIGKILL');
    await redis?.exited;
  });

  it('is gone for a job Redis does not hold, pending while it waits and runs, then completed with its result or failed with its reason', async () => {
    expect(await readCellJob(queue, 'never-added')).to.deep.equal({ state: 'gone' });
    await queue.add('a', payload, { jobId: 'a' });
    expect(await readCellJob(queue, 'a')).to.deep.equal({ state: 'pending' });
    const running = await worker.getNextJob('token-a');
    expect(running.id).to.equal('a');
    expect(await readCellJob(queue, 'a')).to.deep.equal({ state: 'pending' });
    await running.moveToCompleted(result, 'token-a', false);
    expect(await readCellJob(queue, 'a')).to.deep.equal({ state: 'completed', result });

    await queue.add('b', payload, { jobId: 'b' });
    const failing = await worker.getNextJob('token-b');
    await failing.moveToFailed(new Error('out of memory'), 'token-b', false);
    expect(await readCellJob(queue, 'b')).to.deep.equal({ state: 'failed', reason: 'out of memory' });
  });

  it('cannot be completed without a result by a worker whose job an emptied Redis lost: BullMQ refuses its lock', async () => {
    await queue.add('d', payload, { jobId: 'd' });
    const lost = await worker.getNextJob('token-d');
    expect(lost.id).to.equal('d');
    // Redis restarted empty (as FLUSHALL leaves it); the grid queues the job again under the same id.
    await connection.client.flushall();
    await queue.add('d', payload, { jobId: 'd' });
    const refused = await lost.moveToCompleted(result, 'token-d', false).then(() => null, (error: Error) => error);
    expect(refused?.message).to.match(/Missing lock for job d/);
    expect(await readCellJob(queue, 'd')).to.deep.equal({ state: 'pending' });
  });

  it('never reads a job that completes between its reads as completed without a result', async () => {
    await queue.add('c', payload, { jobId: 'c' });
    const running = await worker.getNextJob('token-c');
    expect(running.id).to.equal('c');
    // The worker completes the job right after the grid's first read, whichever that is.
    let completed = false;
    const completeOnce = async () => {
      if (completed) return;
      completed = true;
      await running.moveToCompleted(result, 'token-c', false);
    };
    const racing: Pick<typeof queue, 'getJob' | 'getJobState'> = {
      getJob: async (id) => {
        const job = await queue.getJob(id);
        await completeOnce();
        return job;
      },
      getJobState: async (id) => {
        const state = await queue.getJobState(id);
        await completeOnce();
        return state;
      },
    };
    const first = await readCellJob(racing, 'c');
    expect(completed).to.equal(true);
    const allowed: CellJobRead[] = [{ state: 'pending' }, { state: 'completed', result }];
    expect(allowed, JSON.stringify(first)).to.deep.include(first);
    expect(await readCellJob(queue, 'c')).to.deep.equal({ state: 'completed', result });
  });
});

describe('Redis URLs of --queue, parsed by ioredis', () => {
  it('reads host, port, user, password, database and TLS as the client does', () => {
    expect(redisOptions('redis://localhost')).to.include({ host: 'localhost', port: 6379, db: 0 });
    expect(redisOptions('redis://worker:p%40ss@queue.example:6380/2')).to.include({ host: 'queue.example', port: 6380, username: 'worker', password: 'p@ss', db: 2 });
    expect(redisOptions('redis://:secret@[::1]:7000')).to.include({ host: '::1', port: 7000, password: 'secret' });
    expect(redisOptions('rediss://queue.example').tls).to.not.equal(undefined);
    expect(redisOptions('redis://localhost').tls).to.equal(undefined);
  });

  it('refuses what is not a Redis URL, naming the form', () => {
    for (const url of ['localhost:6379', 'http://localhost:6379', 'redis:/localhost']) {
      expect(() => redisOptions(url), url).to.throw(UsageError, `--queue must be a Redis URL, redis://[user:password@]host[:port][/db] (rediss:// for TLS); found '${url}'`);
    }
    expect(() => redisOptions('redis://:pw@localhost/zero')).to.throw(UsageError, "--queue 'redis://:***@localhost/zero': the database after the host must be a number (such as /0), found 'zero'");
    expect(() => redisOptions('redis://localhost:99999')).to.throw(UsageError);
  });

  it('masks the password in what it prints', () => {
    expect(redacted('redis://user:secret@host:6379/1')).to.equal('redis://user:***@host:6379/1');
    expect(redacted('redis://host:6379')).to.equal('redis://host:6379');
  });
});
