import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT = 'apt-get install -y prometheus prometheus-alertmanager pgbouncer';

/**
 * Executables named in OPERATOR_TEST_WITHOUT (comma-separated) are treated as not installed, so a machine that has
 * them can show what one without them gets (`OPERATOR_TEST_WITHOUT=pgbouncer npm test -w plugins/database`).
 * findBinary also looks in fixed directories, so taking them off PATH is not enough.
 */
function pretendMissing(name: string, env: NodeJS.ProcessEnv): boolean {
  return (env.OPERATOR_TEST_WITHOUT ?? '').split(',').some((n) => n.trim() === name);
}

/** The absolute path of an executable on PATH (plus /usr/sbin and /usr/bin), or undefined. */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (pretendMissing(name, env)) return undefined;
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * For `t.test(name, { skip: requireBinary('prometheus') }, …)`: false when the binary is installed; when it is missing,
 * a skip message naming what to install, except under CI=true, where a missing binary throws so the run fails.
 */
export function requireBinary(name: string): string | false {
  if (findBinary(name) !== undefined) return false;
  const message = `${name} is not installed (${INSTALL_HINT})`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it`);
  return message;
}

/** A server some package's tests start (an executable) or connect to (PostgreSQL, Redis). */
export type TestServer = 'prometheus' | 'prometheus-alertmanager' | 'pgbouncer' | 'postgres' | 'redis';
export const TEST_SERVERS: readonly TestServer[] = ['prometheus', 'prometheus-alertmanager', 'pgbouncer', 'postgres', 'redis'];

function reachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Why each of `servers` is unavailable, as one phrase with what to do about it; empty when all are there. Addresses
 * are the ones the tests use: PGHOST/PGPORT (default 127.0.0.1:5432) and REDIS_URL (default 127.0.0.1:6379).
 */
export async function missingServers(servers: readonly TestServer[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const missing: string[] = [];
  for (const server of servers) {
    if (server === 'postgres') {
      const host = env.PGHOST ?? '127.0.0.1';
      const port = Number(env.PGPORT ?? 5432);
      if (!(await reachable(host, port, 2000))) {
        missing.push(`PostgreSQL is not reachable at ${host}:${port} (start it, or set PGHOST/PGPORT)`);
      }
    } else if (server === 'redis') {
      const url = new URL(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const port = Number(url.port === '' ? 6379 : url.port);
      if (!(await reachable(url.hostname, port, 2000))) {
        missing.push(`Redis is not reachable at ${url.hostname}:${port} (apt-get install -y redis-server and start it, or set REDIS_URL)`);
      }
    } else if (findBinary(server, env) === undefined) {
      missing.push(`${server} is not installed (apt-get install -y ${server})`);
    }
  }
  return missing;
}
