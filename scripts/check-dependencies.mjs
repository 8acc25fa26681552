// Checks the workspace against the dependency rules in .dependency-cruiser.mjs
// and that the package.json graph has no circle (which dependency-cruiser,
// reading imports only, cannot see). `npm run lint:deps` runs it; the test in
// test/architecture runs the same function and fails on what it returns.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cruise } from 'dependency-cruiser';
import extractWebpackResolveConfig from 'dependency-cruiser/config-utl/extract-webpack-resolve-config';
import { dependencyRules } from '../.dependency-cruiser.mjs';
import { findPackageCycles, readWorkspacePackages } from './dependency-rules/workspace-packages.mjs';

/**
 * @typedef {object} DependencyViolation
 * @property {string} rule
 * @property {string} from    a file, or a package name for the package graph
 * @property {string} to
 * @property {string[]} [cycle]  the circle, starting and ending at `from`
 * @property {string} comment    what the rule asks for
 */

const ROOT_FOLDERS = ['scripts', 'test'];
const SCANNED_ROOT_FILE = /\.[cm]?[jt]s$/;

/**
 * Every rule broken in the workspace at `root`.
 * @param {string} root
 * @returns {Promise<DependencyViolation[]>}
 */
export async function findDependencyViolations(root) {
  const { options, ...ruleSet } = dependencyRules(root);
  const resolveOptions = await extractWebpackResolveConfig(options.webpackConfig.fileName, options.webpackConfig.env);
  const { output } = await cruise(cruiseTargets(root), { ...options, ruleSet, validate: true, outputType: 'json' }, resolveOptions, {});
  const { summary } = typeof output === 'string' ? JSON.parse(output) : output;
  const comments = new Map(ruleSet.forbidden.map((rule) => [rule.name, rule.comment]));

  const violations = summary.violations.map((violation) => ({
    rule: violation.rule.name,
    from: violation.from,
    to: violation.to,
    ...(violation.cycle && { cycle: [violation.from, ...violation.cycle.map((step) => step.name)] }),
    comment: comments.get(violation.rule.name) ?? '',
  }));
  return [...violations, ...packageGraphCycles(root)];
}

// The workspace packages and the repository's own scripts and root tests;
// doNotFollow keeps dist/ and node_modules/ inside them out of the scan.
function cruiseTargets(root) {
  const rootFiles = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isFile() && SCANNED_ROOT_FILE.test(entry.name))
    .map((entry) => entry.name);
  const folders = [...readWorkspacePackages(root).map((pkg) => pkg.dir), ...ROOT_FOLDERS.filter((folder) => existsSync(join(root, folder)))];
  return [...folders, ...rootFiles];
}

function packageGraphCycles(root) {
  return findPackageCycles(readWorkspacePackages(root)).map((cycle) => ({
    rule: 'package-cycle',
    from: cycle[0],
    to: cycle[1],
    cycle,
    comment: 'These package.json files list each other in a circle (counting every dependency field). One of them must stop depending on the other.',
  }));
}

const CIRCLE_RULES = ['import-cycle', 'package-cycle'];

/**
 * The violations grouped under their rule and what it asks for; circles come
 * last, since they often follow from an import another rule refuses.
 * @param {DependencyViolation[]} violations
 */
export function formatViolations(violations) {
  const byRule = new Map();
  for (const violation of violations) byRule.set(violation.rule, [...(byRule.get(violation.rule) ?? []), violation]);
  return [...byRule]
    .sort(([a], [b]) => Number(CIRCLE_RULES.includes(a)) - Number(CIRCLE_RULES.includes(b)))
    .map(([rule, broken]) => {
      const lines = broken.map((violation) => `  ${violation.cycle ? violation.cycle.join('\n    → ') : `${violation.from}\n    → ${violation.to}`}`);
      return `${rule} (${broken.length}): ${broken[0].comment}\n${lines.join('\n')}`;
    })
    .join('\n\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const violations = await findDependencyViolations(root);
  if (violations.length > 0) {
    console.error(`${formatViolations(violations)}\n\n${violations.length} dependency rule violation(s).`);
    process.exitCode = 1;
  } else {
    console.log('Dependency rules hold: apps → packages → contracts, no cycles, only declared workspace imports.');
  }
}
