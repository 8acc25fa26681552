#!/usr/bin/env node
import { UsageError } from './bench-case';
import { benchModels } from './bench-models';
import { USAGE } from './parse-args';

const COMMANDS = ['bench-models'];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`Usage: switchyard <command>\n\nCommands: ${COMMANDS.join(', ')}\n\n${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'bench-models') throw new UsageError(`Unknown command "${command}". Commands: ${COMMANDS.join(', ')}.`);
  return benchModels(rest, process.env);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`switchyard: ${error.message}\nRun "switchyard bench-models --help" for the options.\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`switchyard: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
