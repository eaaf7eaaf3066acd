import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBinary, INSTALL_HINT, missingServers, requireBinary } from '../src/index.js';
import { freePort } from '../src/net.js';

t.test('requireBinary: false when installed, a skip message when missing, throws under CI', async (t) => {
  t.equal(requireBinary('sh'), false);
  t.match(findBinary('sh'), /\/sh$/);
  t.equal(findBinary('definitely-not-installed-xyz'), undefined);
  const saved = process.env.CI;
  t.teardown(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });
  delete process.env.CI;
  const message = requireBinary('definitely-not-installed-xyz');
  t.type(message, 'string');
  t.match(message, 'definitely-not-installed-xyz');
  t.match(message, INSTALL_HINT);
  process.env.CI = 'true';
  t.throws(() => requireBinary('definitely-not-installed-xyz'), /CI=true/);
});

t.test('OPERATOR_TEST_WITHOUT makes an installed executable count as missing, even in the fixed directories', async (t) => {
  const saved = process.env.OPERATOR_TEST_WITHOUT;
  t.teardown(() => {
    if (saved === undefined) delete process.env.OPERATOR_TEST_WITHOUT;
    else process.env.OPERATOR_TEST_WITHOUT = saved;
  });
  process.env.OPERATOR_TEST_WITHOUT = 'prometheus, sh';
  t.equal(findBinary('sh'), undefined);
  t.same(await missingServers(['pgbouncer'], { ...process.env, OPERATOR_TEST_WITHOUT: 'pgbouncer' }),
    ['pgbouncer is not installed (apt-get install -y pgbouncer)']);
});

t.test('missingServers names an unreachable PostgreSQL or Redis with the address the tests use and what to do', async (t) => {
  const closed = await freePort();
  t.same(await missingServers(['postgres', 'redis'], { PGHOST: '127.0.0.1', PGPORT: String(closed), REDIS_URL: `redis://127.0.0.1:${closed}` }), [
    `PostgreSQL is not reachable at 127.0.0.1:${closed} (start it, or set PGHOST/PGPORT)`,
    `Redis is not reachable at 127.0.0.1:${closed} (apt-get install -y redis-server and start it, or set REDIS_URL)`
  ]);
  t.same(await missingServers([]), []);
});

// tap-servers, run on a throwaway package whose 100% threshold only a skipped test could meet.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TAP_SERVERS = join(ROOT, 'test-support/bin/tap-servers.js');

function throwawayPackage(): string {
  // Inside the repository so `import 'tap'` resolves; under fixtures/ so the outer run never picks it up.
  const dir = mkdtempSync(join(ROOT, 'test-support/test/fixtures/coverage-gate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'coverage-gate-fixture', private: true, type: 'module',
    tap: { lines: 100, branches: 100, functions: 100, statements: 100 }
  }));
  writeFileSync(join(dir, 'lib.js'), 'export const one = () => 1\nexport const two = () => 2\n');
  writeFileSync(join(dir, 'lib.test.js'), [
    "import t from 'tap'",
    "import { one, two } from './lib.js'",
    't.equal(one(), 1)',
    "t.test('needs pgbouncer', { skip: process.env.OPERATOR_TEST_WITHOUT === 'pgbouncer' ? 'pgbouncer is not installed' : false }, async (t) => { t.equal(two(), 2) })",
    ''
  ].join('\n'));
  return dir;
}

async function tapServers(cwd: string, needs: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  // The outer tap's own variables would make the inner one think it is a child test.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TAP') && !k.startsWith('_TAP') && k !== 'NODE_OPTIONS' && k !== 'NODE_V8_COVERAGE'));
  delete clean.CI;
  const child = spawn(process.execPath, [TAP_SERVERS, `--needs=${needs}`, '--reporter=silent'], {
    cwd, env: { ...clean, PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`, ...env }, stdio: ['ignore', 'ignore', 'pipe']
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stderr };
}

t.test('tap-servers: outside CI a missing server relaxes coverage and says so in one line; under CI it fails', async (t) => {
  const dir = throwawayPackage();
  const without = { OPERATOR_TEST_WITHOUT: 'pgbouncer' };
  const plain = await tapServers(dir, '', without);
  t.equal(plain.code, 1, 'the fault: a skipped test fails the run through coverage alone');
  t.equal(plain.stderr, '', '...and nothing says why');
  const relaxed = await tapServers(dir, 'pgbouncer', without);
  t.equal(relaxed.code, 0, 'declared: the skipped test does not fail the run through coverage');
  t.match(relaxed.stderr, /^coverage-gate-fixture: coverage was not enforced because pgbouncer is not installed \(apt-get install -y pgbouncer\); their tests skipped$/m);
  const ci = await tapServers(dir, 'pgbouncer', { ...without, CI: 'true' });
  t.equal(ci.code, 1, 'CI=true enforces coverage');
  t.match(ci.stderr, /^coverage-gate-fixture: CI=true and pgbouncer is not installed/m);
  const all = await tapServers(dir, '', {});
  t.equal(all.code, 0, 'nothing missing: full coverage, nothing relaxed, nothing said');
  t.equal(all.stderr, '');
});
