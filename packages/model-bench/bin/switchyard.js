#!/usr/bin/env node
// A file of its own, present before the build: pnpm links a package's bin at install time, before dist/ exists.
require('../dist/cli.js');
