import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const script = fileURLToPath(new URL('./fixtures/leave-running.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function run(mode: 'exit' | 'signal'): Promise<{ pid: number; dir: string }> {
  // process.execArgv carries tap's TypeScript loader, so the fixture runs the same way the tests do.
  const child = spawn(process.execPath, [...process.execArgv, script, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
  });
  const info = JSON.parse(line) as { pid: number; dir: string };
  if (mode === 'signal') child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return info;
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i += 1) await sleep(50);
  return !alive(pid);
}

for (const mode of ['exit', 'signal'] as const) {
  t.test(`a launched process does not outlive its test process (${mode})`, async (t) => {
    const { pid, dir } = await run(mode);
    t.ok(await gone(pid), `pid ${pid} was killed`);
    t.notOk(existsSync(dir), 'its temporary directory was removed');
  });
}
