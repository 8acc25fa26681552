// Which way imports may point in this workspace: apps → packages →
// packages/contracts, with no circles. `npm test` enforces these rules
// (test/architecture/dependency-rules.test.ts) and `npm run lint:deps` prints
// what breaks them. `npx depcruise --config .dependency-cruiser.mjs apps packages`
// reads this file as well.
//
// The rules name folders, not files (the list of exceptions below aside):
// the packages, what each declares and its entry points come from
// pnpm-workspace.yaml and the package.json files
// (scripts/dependency-rules/workspace-packages.mjs), so files can move inside
// a package freely, and the same rules check the repository and the
// deliberately broken workspace in test/architecture/fixtures.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWorkspacePackages } from './scripts/dependency-rules/workspace-packages.mjs';

/**
 * Files outside a package that read another package's built output by path.
 * Each is a folder (ending in `/`) or a file, with the built files it may read.
 * Everything else reaches other packages through their package names.
 */
export const BUILT_OUTPUT_READERS = [
  {
    from: 'bench/',
    to: [
      'packages/client/dist/index.js',
      'packages/queue/dist/index.js',
      // bench/cache/auth-limits-cost.mjs loads these through a createRequire
      // function named `load`, which the cruise cannot follow; listed so the
      // list says what bench reads.
      'packages/admission/dist/index.js',
      'packages/database/dist/index.js',
      'packages/config/dist/index.js',
      'packages/contracts/dist/index.js',
      'packages/observability/dist/index.js',
    ],
    reason: 'benchmarks measure the built code as it ships and run under plain node, outside the package graph',
  },
  {
    from: 'scripts/',
    to: ['packages/config/dist/index.js', 'packages/contracts/dist/index.js'],
    reason: 'generate-keda runs under plain node after the build and renders the KEDA manifests from the built routing config, provider kinds and queue names',
  },
  {
    from: 'test/deployment/',
    to: ['packages/contracts/dist/index.js'],
    reason: 'the deployment tests compare the rendered manifests with the built provider kinds, the ones generate-keda reads',
  },
  {
    from: 'vitest.global-setup.ts',
    to: ['packages/database/dist/index.js'],
    reason: 'the test run migrates its database once, with the built migrations the apps run',
  },
];

// `*.test-support.ts` files are test helpers too: the packages' build leaves them out like the tests.
const TEST_FILES = '(^|/)test/|\\.test(-support)?\\.[cm]?[jt]s$';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (paths) => `^(${paths.map(escape).join('|')})$`;
const under = (prefixes) => `^(${prefixes.map(escape).join('|')})`;

/**
 * The dependency-cruiser configuration for the workspace at `workspaceRoot`.
 * @param {string} workspaceRoot
 * @returns {import('dependency-cruiser').IConfiguration}
 */
export function dependencyRules(workspaceRoot) {
  const root = resolve(workspaceRoot);
  const packages = readWorkspacePackages(root);
  const anyPackage = under(packages.map((pkg) => `${pkg.dir}/`));
  const entryFiles = (pkgs) => pkgs.flatMap((pkg) => Object.values(pkg.entryPoints));
  const allEntryFiles = exactly(entryFiles(packages));
  const scopes = [...new Set(packages.filter((pkg) => pkg.name.startsWith('@')).map((pkg) => pkg.name.replace(/\/.*$/, '/')))];
  const readerFolders = BUILT_OUTPUT_READERS.map((reader) => (reader.from.endsWith('/') ? under([reader.from]) : exactly([reader.from])));

  /** Files matching `from` reaching into a package other than `ownDir` by a path rather than its name. */
  const reachesIntoAPackage = (from, ownDir, alsoAllowed) => {
    const own = ownDir ? [under([`${ownDir}/`])] : [];
    const rule = {
      name: 'reaches-into-a-package',
      comment: 'Import another package by its name (or an `exports` subpath), not by a path into its folders. Only BUILT_OUTPUT_READERS in .dependency-cruiser.mjs read built files by path.',
      severity: 'error',
      from,
    };
    return [
      { ...rule, to: { path: anyPackage, pathNot: [...own, allEntryFiles, ...(alsoAllowed ? [alsoAllowed] : [])] } },
      // An entry point, but by a path rather than the package name.
      { ...rule, to: { path: allEntryFiles, pathNot: own, dependencyTypesNot: ['aliased-webpack'] } },
    ];
  };

  return {
    forbidden: [
      {
        name: 'package-imports-an-app',
        comment: 'Apps are built on packages, never the other way round. Move what both need into a package.',
        severity: 'error',
        from: { path: '^packages/' },
        to: { path: '^apps/' },
      },
      {
        name: 'contracts-imports-a-workspace-package',
        comment: 'packages/contracts is the layer every other package shares, so it imports none of them.',
        severity: 'error',
        from: { path: '^packages/contracts/' },
        to: { path: anyPackage, pathNot: '^packages/contracts/' },
      },
      {
        name: 'import-cycle',
        comment: 'These files import each other in a circle (type-only imports count). Break it by moving what they share into a file both import.',
        severity: 'error',
        from: {},
        to: { circular: true },
      },
      // Per package: its files reach only the packages its package.json lists,
      // and its shipped (non-test) files only those under `dependencies`, the
      // ones a production install has.
      ...packages.flatMap((pkg) => {
        const declared = new Set([pkg.name, ...pkg.dependencies, ...pkg.devDependencies]);
        const undeclared = entryFiles(packages.filter((other) => !declared.has(other.name)));
        const testOnly = entryFiles(packages.filter((other) => pkg.devDependencies.includes(other.name) && !pkg.dependencies.includes(other.name)));
        const from = under([`${pkg.dir}/`]);
        return [
          undeclared.length > 0 && {
            name: 'undeclared-workspace-import',
            comment: 'This imports a workspace package its package.json does not list. Add it to dependencies (devDependencies when only tests use it).',
            severity: 'error',
            from: { path: from },
            to: { path: exactly(undeclared) },
          },
          testOnly.length > 0 && {
            name: 'dev-dependency-in-shipped-code',
            comment: 'Shipped code imports a workspace package listed only under devDependencies, which a production install leaves out. Move it to dependencies.',
            severity: 'error',
            from: { path: from, pathNot: TEST_FILES },
            to: { path: exactly(testOnly) },
          },
        ].filter(Boolean);
      }),
      // A package's inside belongs to it alone: from anywhere else, only its
      // name leads in, and only to an entry point. One pair of rules for each
      // package's files, for the files outside packages, and for each reader
      // of built output.
      ...packages.flatMap((pkg) => reachesIntoAPackage({ path: under([`${pkg.dir}/`]), pathNot: readerFolders }, pkg.dir)),
      ...reachesIntoAPackage({ pathNot: [anyPackage, ...readerFolders] }),
      ...BUILT_OUTPUT_READERS.flatMap((reader, index) => {
        const own = packages.find((pkg) => reader.from.startsWith(`${pkg.dir}/`));
        return reachesIntoAPackage({ path: readerFolders[index] }, own?.dir, exactly(reader.to));
      }),
      ...(scopes.length > 0
        ? [
            {
              name: 'unresolvable-workspace-import',
              comment: 'This names a path inside a workspace package that leads nowhere (package names lead to src/, so `@scope/x/src/...` never resolves). Import the package by its name.',
              severity: 'error',
              from: {},
              to: { couldNotResolve: true, path: under(scopes) },
            },
          ]
        : []),
    ],
    options: {
      baseDir: root,
      // Built output and installed modules are where imports end, never where a cruise starts.
      doNotFollow: { path: ['(^|/)node_modules/', '(^|/)dist/'] },
      exclude: { path: ['^test/architecture/fixtures/'] },
      // Type-only imports couple files as much as any other.
      tsPreCompilationDeps: true,
      webpackConfig: {
        fileName: join(dirname(fileURLToPath(import.meta.url)), 'scripts/dependency-rules/resolve-to-sources.mjs'),
        env: { root },
      },
      skipAnalysisNotInRules: true,
    },
  };
}

export default dependencyRules(dirname(fileURLToPath(import.meta.url)));
