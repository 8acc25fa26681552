// The workspace as the dependency rules see it: which folders are packages,
// which workspace packages each one declares, and which source file each of
// its public entry points (package name, `exports` subpaths) is built from.
// Everything is read from pnpm-workspace.yaml and the package.json files, so
// a new package, or files moving inside one, needs no change to the rules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name          package name, e.g. `@switchyard/queue`
 * @property {string} dir           folder relative to the workspace root, e.g. `packages/queue`
 * @property {string[]} dependencies     workspace packages a production install has (dependencies, peer, optional)
 * @property {string[]} devDependencies  workspace packages under `devDependencies`
 * @property {Record<string, string>} entryPoints  import specifier → source file relative to the root
 */

const SHIPPED_DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** @returns {WorkspacePackage[]} */
export function readWorkspacePackages(root) {
  const { packages: patterns = [] } = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8'));
  const manifests = patterns.flatMap((pattern) => expandPattern(root, pattern)).map((dir) => ({ dir, manifest: readManifest(root, dir) }));
  const names = new Set(manifests.map(({ manifest }) => manifest.name));
  const workspaceNamesIn = (field) => Object.keys(field ?? {}).filter((name) => names.has(name));
  return manifests.map(({ dir, manifest }) => ({
    name: manifest.name,
    dir,
    dependencies: SHIPPED_DEPENDENCY_FIELDS.flatMap((field) => workspaceNamesIn(manifest[field])),
    devDependencies: workspaceNamesIn(manifest.devDependencies),
    entryPoints: entryPointsOf(root, dir, manifest),
  }));
}

// pnpm-workspace.yaml here lists folders (`bench`) and folders of folders
// (`packages/*`); anything richer is refused rather than half understood.
function expandPattern(root, pattern) {
  if (/[*?{}[\]!]/.test(pattern.replace(/\/\*$/, ''))) {
    throw new Error(`pnpm-workspace.yaml pattern "${pattern}" is not a folder or "folder/*"`);
  }
  if (!pattern.endsWith('/*')) return existsSync(join(root, pattern, 'package.json')) ? [pattern] : [];
  const parent = pattern.slice(0, -2);
  if (!existsSync(join(root, parent))) return [];
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
    .map((entry) => `${parent}/${entry.name}`)
    .sort();
}

function readManifest(root, dir) {
  return JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
}

// Packages build `src/x.ts` into `dist/x.js` (tsconfig rootDir/outDir), so an
// entry point's source is its built file's path with src/ and .ts put back.
function entryPointsOf(root, dir, manifest) {
  const targets = { '.': manifest.main };
  if (typeof manifest.exports === 'string') targets['.'] = manifest.exports;
  else if (manifest.exports) {
    for (const [subpath, target] of Object.entries(manifest.exports)) targets[subpath] = runtimeTarget(target);
  }
  const entryPoints = {};
  for (const [subpath, target] of Object.entries(targets)) {
    const source = sourceOf(target);
    if (!source || !existsSync(join(root, dir, source))) continue;
    entryPoints[subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`] = `${dir}/${source}`;
  }
  return entryPoints;
}

function runtimeTarget(target) {
  if (typeof target === 'string' || !target) return target;
  return runtimeTarget(target.require ?? target.import ?? target.node ?? target.default);
}

function sourceOf(target) {
  const built = typeof target === 'string' ? /^(?:\.\/)?dist\/(.+)\.js$/.exec(target) : null;
  return built ? `src/${built[1]}.ts` : undefined;
}

/**
 * Circles in the package.json graph (dependencies and devDependencies), each
 * as the list of package names around it, first name repeated at the end.
 * @param {WorkspacePackage[]} packages
 * @returns {string[][]}
 */
export function findPackageCycles(packages) {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const cycles = [];
  const done = new Set();
  const visit = (name, path) => {
    const seenAt = path.indexOf(name);
    if (seenAt >= 0) {
      cycles.push([...path.slice(seenAt), name]);
      return;
    }
    if (done.has(name)) return;
    const pkg = byName.get(name);
    for (const next of [...pkg.dependencies, ...pkg.devDependencies]) visit(next, [...path, name]);
    done.add(name);
  };
  for (const pkg of packages) visit(pkg.name, []);
  return cycles;
}
