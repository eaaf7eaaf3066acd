import { chmodSync, chownSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, INSTALL_HINT } from './binaries.js';
import { canConnect, freePort, LOOPBACK } from './net.js';
import { startProcess, waitUntil } from './processes.js';

export interface PgBouncerOptions {
  pgHost: string;
  pgPort: number;
  /** Databases to expose; default `test`. Any other name falls through to the same server (`* =`). */
  databases?: string[];
  /** Users accepted (trust auth) and allowed on the admin console; default `postgres`. */
  users?: string[];
  poolMode?: 'session' | 'transaction' | 'statement';
  maxClientConn?: number;
  defaultPoolSize?: number;
  /** Unix user to run as (pgbouncer refuses root); default `postgres` when running as root. */
  runAs?: string;
  readyTimeoutMs?: number;
  /** Client authentication; default `trust`. With `plain` or `md5` the users log in with `passwords`. */
  authType?: 'trust' | 'plain' | 'md5';
  /** Passwords for the userlist (users not listed get an empty one); only checked when `authType` is not trust. */
  passwords?: Record<string, string>;
}

export interface RunningPgBouncer {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** The admin console's connection string (database `pgbouncer`). */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

function lookupUser(name: string): { uid: number; gid: number } {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`pgbouncer: no such user ${name}`);
}

/**
 * Starts a real PgBouncer on 127.0.0.1 in front of the given PostgreSQL, with trust auth, the console open to the
 * configured users, no unix socket, in the foreground. As root it runs under `runuser -u postgres --` with its
 * temporary directory handed to that user. Resolves once the port accepts connections.
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<RunningPgBouncer> {
  const binary = findBinary('pgbouncer');
  if (binary === undefined) throw new Error(`pgbouncer is not installed (${INSTALL_HINT})`);
  const isRoot = process.getuid?.() === 0;
  const runAs = options.runAs ?? (isRoot ? 'postgres' : undefined);
  const users = options.users ?? ['postgres'];
  const databases = options.databases ?? ['test'];
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'operator-pgbouncer-'));
    const port = await freePort();
    const target = `host=${options.pgHost} port=${options.pgPort}`;
    const ini = [
      '[databases]',
      ...databases.map((db) => `${db} = ${target} dbname=${db}`),
      `* = ${target}`,
      '',
      '[pgbouncer]',
      `listen_addr = ${LOOPBACK}`,
      `listen_port = ${port}`,
      'unix_socket_dir =',
      `auth_type = ${options.authType ?? 'trust'}`,
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `admin_users = ${users.join(',')}`,
      `stats_users = ${users.join(',')}`,
      `pool_mode = ${options.poolMode ?? 'transaction'}`,
      `max_client_conn = ${options.maxClientConn ?? 100}`,
      `default_pool_size = ${options.defaultPoolSize ?? 5}`,
      'ignore_startup_parameters = extra_float_digits,options',
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'pgbouncer.ini'), ini);
    writeFileSync(join(dir, 'userlist.txt'), users.map((u) => `"${u}" "${options.passwords?.[u] ?? ''}"`).join('\n') + '\n');
    let command = binary;
    let args = [join(dir, 'pgbouncer.ini')];
    if (runAs !== undefined) {
      const { uid, gid } = lookupUser(runAs);
      for (const f of ['', 'pgbouncer.ini', 'userlist.txt']) chownSync(join(dir, f), uid, gid);
      chmodSync(dir, 0o700);
      command = findBinary('runuser') ?? '/usr/sbin/runuser';
      args = ['-u', runAs, '--', binary, ...args];
    }
    const proc = startProcess(command, args, dir);
    try {
      await waitUntil(() => canConnect(port), { timeoutMs: options.readyTimeoutMs ?? 15_000, process: proc, what: 'pgbouncer' });
      return {
        host: LOOPBACK,
        port,
        pid: proc.pid,
        adminUrl: `postgres://${users[0] ?? 'postgres'}@${LOOPBACK}:${port}/pgbouncer`,
        stop: () => proc.stop(),
      };
    } catch (err) {
      lastError = err;
      await proc.stop();
    }
  }
  throw lastError;
}
