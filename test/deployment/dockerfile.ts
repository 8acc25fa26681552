import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export const repositoryRoot = join(__dirname, '..', '..');

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

export interface Copy {
  /** The stage copied from; undefined for the build context. */
  from: string | undefined;
  sources: string[];
  destination: string;
}

/** What one build target puts in its image, its base stages included. */
export interface Image {
  target: string;
  /** The stages it is built from, the target first. */
  stages: Stage[];
  cmd: string[];
  user: string | undefined;
  exposes: string[];
  healthcheck: string | undefined;
  copies: Copy[];
  /** Whether a path relative to the working directory /app is in the image. */
  holds(path: string): boolean;
}

const WORKDIR = '/app';

/** Instructions with continuation lines joined and comments dropped, as BuildKit reads them. */
export function readInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += continued ? line.replace(/\\\s*$/, ' ') : line;
    if (continued) continue;
    const match = /^\s*(\S+)\s*(.*?)\s*$/.exec(pending);
    pending = '';
    if (match) instructions.push({ keyword: (match[1] as string).toUpperCase(), args: (match[2] as string).replace(/\s+/g, ' ') });
  }
  return instructions;
}

export class Dockerfile {
  readonly globalArgs = new Map<string, string>();
  readonly stages = new Map<string, Stage>();

  constructor(readonly text: string) {
    let stage: Stage | undefined;
    for (const instruction of readInstructions(text)) {
      if (instruction.keyword === 'FROM') {
        const match = /^(?:--\S+\s+)*(\S+)\s+AS\s+(\S+)$/i.exec(instruction.args);
        if (!match) throw new Error(`every stage needs a name: FROM ${instruction.args}`);
        stage = { name: match[2] as string, base: match[1] as string, instructions: [] };
        this.stages.set(stage.name, stage);
      } else if (stage) {
        stage.instructions.push(instruction);
      } else if (instruction.keyword === 'ARG') {
        const [name, value = ''] = instruction.args.split('=', 2) as [string, string?];
        this.globalArgs.set(name, value.replace(/^"(.*)"$/, '$1'));
      }
    }
  }

  static read(): Dockerfile {
    return new Dockerfile(readFileSync(join(repositoryRoot, 'Dockerfile'), 'utf8'));
  }

  /** The base image a stage starts from outside this file, build arguments filled in with their defaults. */
  externalBase(stage: Stage): string {
    return stage.base.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string, bare: string) => this.globalArgs.get(braced ?? bare) ?? '');
  }

  /** The stages that make an image: those with a command of their own. */
  targets(): string[] {
    return [...this.stages.values()].filter((stage) => stage.instructions.some(({ keyword }) => keyword === 'CMD')).map(({ name }) => name);
  }

  image(target: string): Image {
    const stages: Stage[] = [];
    for (let stage = this.stages.get(target); stage; stage = this.stages.get(stage.base)) stages.push(stage);
    if (stages.length === 0) throw new Error(`no stage named ${target}`);
    const instructions = stages.toReversed().flatMap((stage) => stage.instructions);
    const last = (keyword: string) => instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;
    const copies = instructions.filter(({ keyword }) => keyword === 'COPY').map(({ args }) => parseCopy(args));
    const cmd = last('CMD');
    return {
      target,
      stages,
      cmd: cmd === undefined ? [] : (JSON.parse(cmd) as string[]),
      user: last('USER'),
      exposes: instructions.filter(({ keyword }) => keyword === 'EXPOSE').flatMap(({ args }) => args.split(' ')),
      healthcheck: last('HEALTHCHECK'),
      copies,
      holds: (path) => {
        const absolute = posix.resolve(WORKDIR, path);
        return copies.some(({ destination }) => absolute === destination || absolute.startsWith(`${destination.replace(/\/$/, '')}/`));
      },
    };
  }
}

function parseCopy(args: string): Copy {
  const words = args.split(' ');
  const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((word) => !word.startsWith('--'));
  return { from, sources: paths.slice(0, -1), destination: posix.resolve(WORKDIR, paths.at(-1) as string) };
}
