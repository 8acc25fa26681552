import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repositoryRoot } from './dockerfile';

export interface WorkspacePackage {
  name: string;
  /** Relative to the repository root, e.g. `packages/database`. */
  dir: string;
  dependencies: Record<string, string>;
}

/** The projects pnpm-workspace.yaml names (`apps/*`, `packages/*`, …). */
export function workspacePackages(): WorkspacePackage[] {
  const { packages } = parse(readFileSync(join(repositoryRoot, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] };
  const dirs = packages.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(repositoryRoot, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern],
  );
  return dirs
    .filter((dir) => existsSync(join(repositoryRoot, dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(repositoryRoot, dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
      return { name: manifest.name, dir, dependencies: manifest.dependencies ?? {} };
    });
}

/** The workspace package whose folder holds a path such as `apps/gateway/dist/main.js`. */
export function packageHolding(path: string, all = workspacePackages()): WorkspacePackage | undefined {
  return all.find(({ dir }) => path.startsWith(`${dir}/`));
}

/** A package and every workspace package it needs at run time (`dependencies`, followed transitively). */
export function productionClosure(root: WorkspacePackage, all = workspacePackages()): WorkspacePackage[] {
  const byName = new Map(all.map((pkg) => [pkg.name, pkg]));
  const found = new Map<string, WorkspacePackage>();
  const visit = (pkg: WorkspacePackage) => {
    if (found.has(pkg.name)) return;
    found.set(pkg.name, pkg);
    for (const [name, version] of Object.entries(pkg.dependencies)) {
      const dependency = byName.get(name);
      if (dependency) visit(dependency);
      else if (version.startsWith('workspace:')) throw new Error(`${pkg.name} depends on ${name}, which is not in the workspace`);
    }
  };
  visit(root);
  return [...found.values()];
}

/** Whether any of the packages depends on something from the registry rather than the workspace. */
export function needsThirdPartyPackages(packages: WorkspacePackage[], all = workspacePackages()): boolean {
  const names = new Set(all.map(({ name }) => name));
  return packages.some((pkg) => Object.keys(pkg.dependencies).some((name) => !names.has(name)));
}
