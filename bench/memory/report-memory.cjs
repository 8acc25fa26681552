// Preloaded (`node --require`) into each process bench/memory/run.mjs starts:
// on SIGUSR2 it writes what the process holds to MEMORY_REPORT_DIR/<pid>.json,
// its heap as V8 sees it and the modules it has loaded grouped by package, so
// the bench can tell heap from code and native memory, and name what was loaded.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.MEMORY_REPORT_DIR;

/** `openai` for .../node_modules/.pnpm/openai@6/node_modules/openai/x.js, `@switchyard/queue` for packages/queue/dist/x.js. */
function packageOf(file) {
  const dependency = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (dependency) return dependency[1];
  const workspace = /\/(?:apps|packages)\/([^/]+)\//.exec(file);
  return workspace ? `@switchyard/${workspace[1]}` : file;
}

if (dir) {
  process.on('SIGUSR2', () => {
    const packages = {};
    const files = Object.keys(require.cache);
    for (const file of files) packages[packageOf(file)] = (packages[packageOf(file)] ?? 0) + 1;
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ rss, heapUsed, heapTotal, external, arrayBuffers, modules: files.length, packages }));
  });
}
