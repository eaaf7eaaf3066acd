import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listen } from './net.js';

// A package registry on 127.0.0.1 that serves what is already installed here, so a test can run `npm install` in a
// directory with no workspace around it (the way people install Operator) without npm reaching the network and
// without depending on what the user's npm cache happens to hold. Each installed copy (a folder with a package.json
// under some node_modules) is one version of its package; its tarball is that folder as it is, without its own
// node_modules: npm lays out the dependency tree itself, from the manifests, as it would against the real registry.
// Native modules arrive already built, so the installing npm can run with install scripts off (hard links are
// stored as files: npm does not extract link entries).

export interface LocalNpmRegistry {
  /** `http://127.0.0.1:PORT/`, for `npm_config_registry`. */
  readonly url: string;
  /** Every package name npm asked for, in order; names it asked for that are not installed here are answered 404. */
  readonly requested: readonly string[];
  /** Serves one more package: the folder as it is (e.g. a plugin a test just scaffolded), by its package.json. */
  publish(dir: string): void;
  /**
   * The environment that points npm at this registry and nowhere else: a cache and user config under `dir` (nothing
   * from ~/.npm), and a proxy that leads nowhere for any other host.
   */
  npmEnv(dir: string): Record<string, string>;
  close(): Promise<void>;
}

function offlineNpmEnv(url: string, dir: string): Record<string, string> {
  return {
    npm_config_registry: url,
    npm_config_cache: join(dir, '.npm-cache'),
    npm_config_userconfig: join(dir, '.npmrc-none'),
    npm_config_proxy: 'http://127.0.0.1:9',
    npm_config_https_proxy: 'http://127.0.0.1:9',
    npm_config_noproxy: '127.0.0.1',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  };
}

interface Version {
  readonly dir: string;
  readonly manifest: Record<string, unknown> & { name: string; version: string };
}

/** Every package installed under these node_modules folders (nested ones too), by name and version; links skipped. */
function readVersion(dir: string): Version | undefined {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Version['manifest'];
  return typeof manifest.name === 'string' && typeof manifest.version === 'string' ? { dir, manifest } : undefined;
}

function add(index: Map<string, Map<string, Version>>, version: Version): void {
  const versions = index.get(version.manifest.name) ?? new Map<string, Version>();
  if (!versions.has(version.manifest.version)) versions.set(version.manifest.version, version);
  index.set(version.manifest.name, versions);
}

function indexInstalled(roots: readonly string[]): Map<string, Map<string, Version>> {
  const index = new Map<string, Map<string, Version>>();
  const visit = (modules: string): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const path = join(modules, entry);
      const dirs = entry.startsWith('@') ? readdirSync(path).map((inner) => join(path, inner)) : [path];
      for (const dir of dirs) {
        // A workspace package is a link into the monorepo: the tests install those from `npm pack` tarballs.
        if (lstatSync(dir).isSymbolicLink() || !existsSync(join(dir, 'package.json'))) continue;
        const version = readVersion(dir);
        if (version !== undefined) add(index, version);
        visit(join(dir, 'node_modules'));
      }
    }
  };
  for (const root of roots) visit(root);
  return index;
}

/** The installed folder as an npm tarball: its files under `package/`, without its node_modules. */
async function tarball(dir: string): Promise<Buffer> {
  const tar = spawn('tar', ['-cf', '-', '--use-compress-program=gzip -1', '--hard-dereference', '-C', dir, '--exclude=./node_modules', '--transform=s,^\\.,package,', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  let stderr = '';
  tar.stdout.on('data', (c: Buffer) => chunks.push(c));
  tar.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => tar.on('close', resolve));
  if (code !== 0) throw new Error(`tar of ${dir} failed: ${stderr.trim()}`);
  return Buffer.concat(chunks);
}

/** Starts the registry over the packages installed under `nodeModules` (e.g. the monorepo's node_modules folders). */
export async function localNpmRegistry(nodeModules: readonly string[]): Promise<LocalNpmRegistry> {
  const index = indexInstalled(nodeModules);
  const requested: string[] = [];
  const tarballs = new Map<string, Buffer>();
  const packuments = new Map<string, Promise<string>>();
  let base = '';

  const packument = async (name: string, versions: Map<string, Version>): Promise<string> => {
    const out: Record<string, unknown> = {};
    for (const [version, { dir, manifest }] of versions) {
      const id = `${encodeURIComponent(name)}/${version}`;
      const data = await tarball(dir);
      tarballs.set(id, data);
      const integrity = `sha512-${createHash('sha512').update(data).digest('base64')}`;
      out[version] = { ...manifest, dist: { tarball: `${base}-/tarball/${id}.tgz`, integrity } };
    }
    const latest = [...versions.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
    return JSON.stringify({ name, 'dist-tags': { latest }, versions: out });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(String(req.url), 'http://x').pathname.slice(1));
      const file = /^-\/tarball\/(.+)\.tgz$/.exec(path)?.[1];
      if (file !== undefined) {
        const data = tarballs.get(encodeURIComponent(file.slice(0, file.lastIndexOf('/'))) + file.slice(file.lastIndexOf('/')));
        if (data === undefined) return res.writeHead(404).end();
        return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(data);
      }
      requested.push(path);
      const versions = index.get(path);
      if (versions === undefined) {
        return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      }
      let body = packuments.get(path);
      if (body === undefined) {
        body = packument(path, versions);
        packuments.set(path, body);
      }
      const text = await body;
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    })().catch((err: Error) => res.writeHead(500).end(err.message));
  });
  const listening = await listen(server);
  base = `${listening.url}/`;
  const publish = (dir: string): void => {
    const version = readVersion(dir);
    if (version === undefined) throw new Error(`${dir}/package.json has no name and version`);
    add(index, version);
    packuments.delete(version.manifest.name);
  };
  return { url: base, requested, publish, npmEnv: (dir) => offlineNpmEnv(base, dir), close: () => listening.close() };
}
