import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localNpmRegistry } from '../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'npm-registry-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

function pkg(dir: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const modules = join(work, 'node_modules');
pkg(join(modules, 'left'), { name: 'left', version: '1.2.0', dependencies: { right: '^2.0.0' } }, { 'index.js': 'export default 1\n' });
pkg(join(modules, 'left/node_modules/right'), { name: 'right', version: '2.0.1' });
pkg(join(modules, 'right'), { name: 'right', version: '3.0.0' });
pkg(join(modules, '@scope/thing'), { name: '@scope/thing', version: '0.1.0' });
pkg(join(modules, 'nameless'), { private: true });
mkdirSync(join(modules, 'no-manifest'));
mkdirSync(join(modules, '.bin'));
symlinkSync(join(modules, 'left'), join(modules, 'linked'), 'dir');
const registry = await localNpmRegistry([modules, join(work, 'not-there')]);
t.teardown(() => registry.close());

interface Packument {
  name: string;
  'dist-tags': { latest: string };
  versions: Record<string, { name: string; dependencies?: Record<string, string>; dist: { tarball: string; integrity: string } }>;
}

t.test('a packument lists every installed copy, with tarballs npm can verify', async (t) => {
  const res = await fetch(`${registry.url}right`);
  t.equal(res.status, 200);
  const right = (await res.json()) as Packument;
  t.same(Object.keys(right.versions).sort(), ['2.0.1', '3.0.0'], 'the nested copy is a version too');
  t.equal(right['dist-tags'].latest, '3.0.0');

  const left = (await (await fetch(`${registry.url}left`)).json()) as Packument;
  const v = left.versions['1.2.0']!;
  t.same(v.dependencies, { right: '^2.0.0' });
  const tgz = Buffer.from(await (await fetch(v.dist.tarball)).arrayBuffer());
  t.equal(v.dist.integrity, `sha512-${createHash('sha512').update(tgz).digest('base64')}`);
  const tarball = join(work, 'left.tgz');
  writeFileSync(tarball, tgz);
  const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter((l) => l !== '').sort();
  t.same(listing, ['package/', 'package/index.js', 'package/package.json'], 'its files under package/, without its node_modules');
});

t.test('scoped names as npm asks for them; links, folders without a manifest and unknown names are not served', async (t) => {
  const scoped = (await (await fetch(`${registry.url}@scope%2fthing`)).json()) as Packument;
  t.equal(scoped.name, '@scope/thing');
  t.ok((await fetch(scoped.versions['0.1.0']!.dist.tarball)).ok);
  for (const name of ['linked', 'no-manifest', 'nameless', 'absent']) {
    t.equal((await fetch(`${registry.url}${name}`)).status, 404, name);
  }
  t.equal((await fetch(`${registry.url}-/tarball/absent/1.0.0.tgz`)).status, 404);
  t.match(registry.requested, ['right', 'left', '@scope/thing', 'linked', 'no-manifest', 'nameless', 'absent']);
});

t.test('publish serves one more folder; a folder that cannot be packed is a 500, not a hang', async (t) => {
  registry.publish(pkg(join(work, 'plugin'), { name: 'operator-plugin-x', version: '0.1.0' }));
  const x = (await (await fetch(`${registry.url}operator-plugin-x`)).json()) as Packument;
  t.same(Object.keys(x.versions), ['0.1.0']);
  t.throws(() => registry.publish(pkg(join(work, 'bad'), { name: 'bad' })), /has no name and version/);
  const gone = pkg(join(work, 'gone'), { name: 'gone', version: '1.0.0' });
  registry.publish(gone);
  rmSync(gone, { recursive: true });
  const res = await fetch(`${registry.url}gone`);
  t.equal(res.status, 500);
  t.match(await res.text(), /tar of .*gone failed/);
});

t.test('npmEnv points npm at this registry only, with its cache and config under the given folder', async (t) => {
  const env = registry.npmEnv('/tmp/app');
  t.equal(env.npm_config_registry, registry.url);
  t.equal(env.npm_config_cache, '/tmp/app/.npm-cache');
  t.equal(env.npm_config_userconfig, '/tmp/app/.npmrc-none');
  t.equal(env.npm_config_proxy, 'http://127.0.0.1:9', 'any other host leads nowhere');
  t.equal(env.npm_config_noproxy, '127.0.0.1');
});
