// A webpack-style resolve section, the one place dependency-cruiser takes
// aliases from: every workspace package name (and `exports` subpath) points
// at the TypeScript source it is built from. Imports between packages then
// lead to source files, not to dist/, so the check needs no build, and a
// circle through two packages shows up as a circle between their files.
import { join } from 'node:path';
import { readWorkspacePackages } from './workspace-packages.mjs';

/** @param {{ root: string }} env  the workspace root, passed by the rule set */
export default function resolveToSources({ root }) {
  const alias = {};
  for (const pkg of readWorkspacePackages(root)) {
    // `name$` is exactly the name (or an `exports` subpath): its entry point.
    for (const [specifier, source] of Object.entries(pkg.entryPoints)) alias[`${specifier}$`] = join(root, source);
    // Any other `name/sub` lands in src/, where dist/sub.js would be built
    // from: a file the rules refuse to let other packages reach (and
    // `name/src/...` lands nowhere, as it would at run time).
    alias[pkg.name] = join(root, pkg.dir, 'src');
  }
  return { resolve: { alias } };
}
