import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server process started by a launcher, with its temporary directory. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly dir: string;
  /** The last few kilobytes of stdout and stderr, for error messages. */
  output(): string;
  exited(): boolean;
  /** SIGTERM by PID (SIGKILL after `graceMs`), then removes the temporary directory. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ManagedProcess>();
let hooked = false;
const OUTPUT_LIMIT = 8192;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  // Launchers spawn detached, so the PID is also a process group holding the server and anything it forked
  // (runuser's child). Fall back to the PID alone.
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function cleanupAll(): void {
  for (const p of live) {
    killGroup(p.pid, 'SIGKILL');
    rmSync(p.dir, { recursive: true, force: true });
  }
  live.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanupAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanupAll();
      process.kill(process.pid, signal);
    });
  }
}

/** Starts a process that is killed when stopped or when this process exits. */
export function startProcess(command: string, args: string[], dir: string, options: SpawnOptions = {}): ManagedProcess {
  hookExit();
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start ${command}`);
  }
  const pid = child.pid;
  let buffer = '';
  const collect = (chunk: Buffer): void => {
    buffer = (buffer + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  child.once('error', (err) => collect(Buffer.from(String(err))));
  let stopping: Promise<void> | undefined;
  const managed: ManagedProcess = {
    child,
    pid,
    dir,
    output: () => buffer,
    exited: () => exited,
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        if (!exited) {
          killGroup(pid, 'SIGTERM');
          const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
          await exit;
          clearTimeout(timer);
        }
        // Also reap anything left in the group (a forked child that ignored the parent's exit).
        killGroup(pid, 'SIGKILL');
        live.delete(managed);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  live.add(managed);
  return managed;
}

/** Polls `check` until it returns true; throws with `describe()` when `timeoutMs` passes or the process died. */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; process?: ManagedProcess; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.process?.exited() === true) {
      throw new Error(`${options.what}: process exited before it was ready:\n${options.process.output()}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${options.what}: not ready after ${options.timeoutMs} ms\n${options.process?.output() ?? ''}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/** True when GET url answers 200. */
export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.status === 200;
}
