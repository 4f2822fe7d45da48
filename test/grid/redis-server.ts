/** A real redis-server for the queue tests, on a free loopback port, holding nothing across restarts. */
import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import { start, until, type Proc } from './processes.ts';

/** redis-server's path, installing the Debian package when it is missing and we may; null when impossible. */
export function redisServer(): string | null {
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `server` on `port`, ready for connections; no persistence, so a restart empties it. */
export async function startRedis(server: string, port: number, ...options: string[]): Promise<Proc> {
  const redis = start(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...options], os.tmpdir());
  try {
    await until(() => /Ready to accept connections/.test(redis.stderr()), 'redis-server', 20_000, redis.stderr);
  } catch (error) {
    redis.child.kill('SIGKILL');
    throw error;
  }
  return redis;
}
