import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, INSTALL_HINT } from './binaries.js';
import { freePort, LOOPBACK } from './net.js';
import { httpOk, startProcess, waitUntil, type ManagedProcess } from './processes.js';

/**
 * A scrape target: `host:port` or a URL (its path becomes `metrics_path`), optionally with a job name (default
 * `fixture`).
 */
export type ScrapeTarget = string | { target: string; job?: string };

export interface PrometheusOptions {
  scrapeTargets: ScrapeTarget[];
  /** Rule file contents: YAML text, or rule groups as an object (written as JSON, which YAML accepts). */
  rules?: string | { groups: unknown[] };
  scrapeIntervalSec?: number;
  evaluationIntervalSec?: number;
  /** Alertmanager base URLs (e.g. from startAlertmanager) to send alerts to. */
  alertmanagers?: string[];
  readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Instant query; the parsed JSON answer of /api/v1/query. */
  query(promql: string): Promise<PrometheusQueryResult>;
  /** Polls an instant query until it returns at least one sample (scrapes take a few seconds to land). */
  waitForSeries(promql: string, timeoutMs?: number): Promise<PrometheusQueryResult>;
  stop(): Promise<void>;
}

export interface PrometheusQueryResult {
  status: string;
  data: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string] }> };
}

function scrapeConfigs(targets: ScrapeTarget[]): unknown[] {
  const jobs = new Map<string, { job_name: string; metrics_path: string; static_configs: Array<{ targets: string[] }> }>();
  for (const t of targets) {
    const spec = typeof t === 'string' ? { target: t } : t;
    let hostPort = spec.target;
    let path = '/metrics';
    if (/^https?:\/\//.test(spec.target)) {
      const url = new URL(spec.target);
      hostPort = url.host;
      path = url.pathname === '/' ? '/metrics' : url.pathname;
    }
    // Default job `fixture`; a target on another metrics path gets its own job (job names must be unique).
    const jobName = spec.job ?? (path === '/metrics' ? 'fixture' : `fixture${path.replace(/[^a-zA-Z0-9]+/g, '_')}`);
    const key = `${jobName} ${path}`;
    const job = jobs.get(key) ?? { job_name: jobName, metrics_path: path, static_configs: [{ targets: [] }] };
    job.static_configs[0]?.targets.push(hostPort);
    jobs.set(key, job);
  }
  return [...jobs.values()];
}

async function launch(options: PrometheusOptions, binary: string): Promise<{ process: ManagedProcess; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-prometheus-'));
  const scrape = options.scrapeIntervalSec ?? 1;
  const config: Record<string, unknown> = {
    global: { scrape_interval: `${scrape}s`, scrape_timeout: `${scrape}s`, evaluation_interval: `${options.evaluationIntervalSec ?? 1}s` },
    scrape_configs: scrapeConfigs(options.scrapeTargets),
  };
  if (options.rules !== undefined) {
    const file = join(dir, 'rules.yml');
    writeFileSync(file, typeof options.rules === 'string' ? options.rules : JSON.stringify(options.rules));
    config.rule_files = [file];
  }
  if (options.alertmanagers !== undefined && options.alertmanagers.length > 0) {
    config.alerting = {
      alertmanagers: [{ static_configs: [{ targets: options.alertmanagers.map((u) => new URL(u).host) }] }],
    };
  }
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = await freePort();
  const process = startProcess(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${LOOPBACK}:${port}`,
      '--rules.alert.resend-delay=1s',
      '--log.level=warn',
    ],
    dir,
  );
  return { process, port };
}

/** Starts a real Prometheus on 127.0.0.1 with a temporary config and TSDB; resolves once /-/ready answers 200. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = findBinary('prometheus');
  if (binary === undefined) throw new Error(`prometheus is not installed (${INSTALL_HINT})`);
  let lastError: unknown;
  // A port picked by freePort can be taken before the process binds it: retry with a fresh one.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const { process, port } = await launch(options, binary);
    const url = `http://${LOOPBACK}:${port}`;
    try {
      await waitUntil(() => httpOk(`${url}/-/ready`), { timeoutMs: options.readyTimeoutMs ?? 20_000, process, what: 'prometheus' });
    } catch (err) {
      lastError = err;
      await process.stop();
      continue;
    }
    const query = async (promql: string): Promise<PrometheusQueryResult> => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return (await res.json()) as PrometheusQueryResult;
    };
    return {
      url,
      port,
      pid: process.pid,
      query,
      async waitForSeries(promql, timeoutMs = 30_000) {
        let result: PrometheusQueryResult | undefined;
        await waitUntil(
          async () => {
            result = await query(promql);
            return result.status === 'success' && result.data.result.length > 0;
          },
          { timeoutMs, intervalMs: 250, process, what: `prometheus series ${promql}` },
        );
        return result as PrometheusQueryResult;
      },
      stop: () => process.stop(),
    };
  }
  throw lastError;
}
