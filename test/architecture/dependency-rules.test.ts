import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDependencyViolations, formatViolations } from '../../scripts/check-dependencies.mjs';

const repositoryRoot = join(__dirname, '..', '..');
const violatingWorkspace = join(__dirname, 'fixtures', 'violating');

// Each cruise parses every source file once (a few seconds on a small machine).
const CRUISE_TIMEOUT_MS = 60_000;

describe('dependency rules', () => {
  it(
    'hold for the workspace: apps → packages → contracts, no circles, only declared imports',
    async () => {
      const violations = await findDependencyViolations(repositoryRoot);

      // The readable report is the failure message: rule, what it asks for, the imports.
      expect(formatViolations(violations)).toBe('');
    },
    CRUISE_TIMEOUT_MS,
  );

  it(
    'report each kind of broken rule in a workspace that breaks them',
    async () => {
      const violations = await findDependencyViolations(violatingWorkspace);

      const reported = violations.map(({ rule, from, to }) => `${rule}: ${from} → ${to}`).sort();
      expect(reported).toStrictEqual(
        [
          'package-imports-an-app: packages/queue/src/index.ts → apps/gateway/src/index.ts',
          'undeclared-workspace-import: packages/queue/src/index.ts → apps/gateway/src/index.ts',
          'contracts-imports-a-workspace-package: packages/contracts/src/index.ts → packages/queue/src/index.ts',
          'import-cycle: packages/contracts/src/index.ts → packages/queue/src/index.ts',
          'import-cycle: packages/queue/src/connection.ts → packages/queue/src/producer.ts',
          'package-cycle: @fixture/queue → @fixture/contracts',
          'undeclared-workspace-import: apps/gateway/src/server.ts → packages/contracts/src/index.ts',
          'dev-dependency-in-shipped-code: apps/gateway/src/server.ts → packages/queue/src/index.ts',
          'reaches-into-a-package: apps/gateway/src/server.ts → packages/contracts/src/error-codes.ts',
          'reaches-into-a-package: apps/gateway/test/queue-by-path.ts → packages/queue/src/index.ts',
          'unresolvable-workspace-import: apps/gateway/src/server.ts → @fixture/queue/src/connection',
        ].sort(),
      );
      expect(formatViolations(violations)).toContain(
        'import-cycle (2): These files import each other in a circle (type-only imports count). Break it by moving what they share into a file both import.\n' +
          '  packages/contracts/src/index.ts\n    → packages/queue/src/index.ts\n    → packages/contracts/src/index.ts',
      );
    },
    CRUISE_TIMEOUT_MS,
  );
});
