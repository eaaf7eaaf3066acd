import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, INSTALL_HINT } from './binaries.js';
import { freePort, LOOPBACK } from './net.js';
import { httpOk, startProcess, waitUntil } from './processes.js';

export interface AlertmanagerOptions {
  /** Where the `operator` receiver posts webhook notifications; no receiver config when omitted. */
  webhookUrl?: string;
  /** Sent as `Authorization: Bearer <token>` with each webhook post (`http_config.authorization`). */
  webhookBearerToken?: string;
  /** Sent as basic credentials with each webhook post (`http_config.basic_auth`). */
  webhookBasicAuth?: { username: string; password: string };
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  readyTimeoutMs?: number;
}

export interface RunningAlertmanager {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

function httpConfig(options: AlertmanagerOptions): Record<string, unknown> {
  if (options.webhookBearerToken !== undefined) {
    return { http_config: { authorization: { type: 'Bearer', credentials: options.webhookBearerToken } } };
  }
  if (options.webhookBasicAuth !== undefined) return { http_config: { basic_auth: options.webhookBasicAuth } };
  return {};
}

/**
 * Starts a real Alertmanager on 127.0.0.1 (clustering off: `--cluster.listen-address=`), one route to the
 * `operator` receiver; resolves once /-/ready answers 200.
 */
export async function startAlertmanager(options: AlertmanagerOptions = {}): Promise<RunningAlertmanager> {
  const binary = findBinary('prometheus-alertmanager') ?? findBinary('alertmanager');
  if (binary === undefined) throw new Error(`prometheus-alertmanager is not installed (${INSTALL_HINT})`);
  const config = {
    route: {
      receiver: 'operator',
      group_by: ['alertname'],
      group_wait: options.groupWait ?? '1s',
      group_interval: options.groupInterval ?? '1s',
      repeat_interval: options.repeatInterval ?? '1h',
    },
    receivers: [
      options.webhookUrl === undefined
        ? { name: 'operator' }
        : {
            name: 'operator',
            webhook_configs: [{ url: options.webhookUrl, send_resolved: true, ...httpConfig(options) }],
          },
    ],
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'operator-alertmanager-'));
    writeFileSync(join(dir, 'alertmanager.yml'), JSON.stringify(config, null, 2));
    const port = await freePort();
    const process = startProcess(
      binary,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=${LOOPBACK}:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      dir,
    );
    const url = `http://${LOOPBACK}:${port}`;
    try {
      await waitUntil(() => httpOk(`${url}/-/ready`), { timeoutMs: options.readyTimeoutMs ?? 20_000, process, what: 'alertmanager' });
      return { url, port, pid: process.pid, stop: () => process.stop() };
    } catch (err) {
      lastError = err;
      await process.stop();
    }
  }
  throw lastError;
}
