#!/usr/bin/env node
// `node third-party/lockfile.mjs [--check]`: writes (or checks) each third-party package's package-lock.json from the
// monorepo's own lockfile. The packages are not workspaces; their tests install their devDependencies with
// `npm ci --offline`, which works only when every tarball is already in the npm cache: taking the exact versions the
// root `npm ci` just installed guarantees that. `file:` devDependencies (core, test-support) become links.
// Run it after changing a third-party package's devDependencies or the root's versions of tap/typescript/@types/node.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')

/** Where Node would find `name` from the package at lockfile path `from` (nested node_modules first, then up). */
function locate (packages, from, name) {
  let base = from
  for (;;) {
    const path = `${base === '' ? '' : `${base}/`}node_modules/${name}`
    if (packages[path] !== undefined) return path
    if (base === '') return undefined
    const up = base.lastIndexOf('/node_modules/')
    base = up < 0 ? '' : base.slice(0, up)
  }
}

export function lockfileFor (packageDir, rootLock) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
  const source = rootLock.packages
  const copied = new Map()
  const missing = []
  const visit = (path) => {
    if (copied.has(path)) return
    const entry = { ...source[path], dev: true }
    delete entry.devOptional
    copied.set(path, entry)
    const optional = { ...entry.optionalDependencies }
    for (const [name, meta] of Object.entries(entry.peerDependenciesMeta ?? {})) if (meta.optional) optional[name] = true
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
      const found = locate(source, path, name)
      if (found !== undefined) visit(found)
      else if (!(name in optional)) missing.push(`${name} (needed by ${path})`)
    }
  }
  const packages = {
    '': {
      name: manifest.name,
      version: manifest.version,
      license: manifest.license,
      devDependencies: manifest.devDependencies,
      peerDependencies: manifest.peerDependencies,
      engines: manifest.engines
    }
  }
  const links = {}
  for (const [name, spec] of Object.entries(manifest.devDependencies ?? {})) {
    if (spec.startsWith('file:')) {
      links[name] = spec.slice('file:'.length)
      continue
    }
    if (source[`node_modules/${name}`] === undefined) missing.push(`${name} (not installed at the root)`)
    else visit(`node_modules/${name}`)
  }
  if (missing.length > 0) throw new Error(`${manifest.name}: the root lockfile lacks ${missing.join(', ')}`)
  for (const [name, target] of Object.entries(links)) packages[`node_modules/${name}`] = { resolved: target, link: true }
  for (const target of Object.values(links)) {
    const linked = JSON.parse(readFileSync(join(packageDir, target, 'package.json'), 'utf8'))
    packages[target] = { name: linked.name, version: linked.version }
  }
  for (const path of [...copied.keys()].sort()) packages[path] = copied.get(path)
  return `${JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`
}

export function thirdPartyPackages () {
  return readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'package.json')))
    .map((d) => join(here, d.name))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
  let stale = 0
  for (const dir of thirdPartyPackages()) {
    const file = join(dir, 'package-lock.json')
    const wanted = lockfileFor(dir, rootLock)
    const current = existsSync(file) ? readFileSync(file, 'utf8') : ''
    if (current === wanted) continue
    if (check) {
      stale++
      process.stderr.write(`${relative(root, file)} is out of step with package-lock.json: run node third-party/lockfile.mjs\n`)
    } else {
      writeFileSync(file, wanted)
      process.stdout.write(`wrote ${relative(root, file)}\n`)
    }
  }
  process.exitCode = stale > 0 ? 1 : 0
}
