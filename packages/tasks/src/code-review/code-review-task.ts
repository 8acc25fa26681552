import { InvalidRequestError } from '@switchyard/contracts';
import type { TaskDefinition } from '../core/task-definition';
import { diffFiles } from './diff-files';
import golden from './golden.json';

export interface CodeReviewInput {
  diff: string;
  language?: string;
  focus: ('correctness' | 'security' | 'performance' | 'readability')[];
}

const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;

interface Finding {
  file: string;
  line: number;
  severity: (typeof SEVERITIES)[number];
  message: string;
  suggestion: string;
}

interface CodeReviewOutput {
  summary: string;
  findings: Finding[];
}

export interface CodeReviewResult {
  summary: string;
  /** Most severe first; `in_diff` says whether the file and line are among those the diff shows (a finding elsewhere is kept but marked). */
  findings: (Finding & { in_diff: boolean })[];
  files: string[];
}

export const codeReviewTask: TaskDefinition<CodeReviewInput, CodeReviewOutput, Map<string, Set<number>>, CodeReviewResult> = {
  name: 'code-review',
  description: 'A unified diff in; findings out, each with file, line, severity (critical, major, minor, info), message and suggestion.',
  prompt: 'task-code-review',
  inputSchema: {
    type: 'object',
    properties: {
      diff: { type: 'string', minLength: 1, maxLength: 200_000 },
      language: { type: 'string', minLength: 1, maxLength: 64 },
      focus: {
        type: 'array',
        items: { enum: ['correctness', 'security', 'performance', 'readability'] },
        uniqueItems: true,
        default: ['correctness', 'security'],
      },
    },
    required: ['diff'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: {
      summary: { type: 'string', minLength: 1 },
      findings: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            file: { type: 'string', minLength: 1 },
            line: { type: 'integer', minimum: 1 },
            severity: { enum: [...SEVERITIES] },
            message: { type: 'string', minLength: 1 },
            suggestion: { type: 'string' },
          },
          required: ['file', 'line', 'severity', 'message', 'suggestion'],
          additionalProperties: false,
        },
      },
    },
    required: ['summary', 'findings'],
    additionalProperties: false,
  },
  async: true,
  failClosed: false,
  prepare(input) {
    const files = diffFiles(input.diff);
    if (files.size === 0) throw new InvalidRequestError("input.diff is not a unified diff: it has no '+++ b/<file>' header.", { param: 'input.diff' });
    return {
      variables: {
        diff: input.diff,
        language: input.language ?? 'the language of each file',
        focus: input.focus.join(', '),
        files: [...files.keys()].join(', '),
      },
      outputSchema: this.outputSchema,
      context: files,
    };
  },
  finish(_input, output, files) {
    const findings = output.findings
      .map((finding) => ({ ...finding, in_diff: files.get(finding.file)?.has(finding.line) ?? false }))
      .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
    return { summary: output.summary, findings, files: [...files.keys()] };
  },
  golden: golden as TaskDefinition['golden'],
};
