import { InvalidRequestError, NotFoundError } from '@switchyard/contracts';
import type { DataSource } from '@switchyard/database';
import { checkTemplate } from '../rendering/strict-mustache';
import { checkVariablesSchema } from '../rendering/variables-validator';
import { assignSplitArm } from '../splits/assign-split-arm';
import { validateSplit } from '../splits/validate-split';
import type { NewPromptVersion, PromptDetail, PromptLabel, PromptSelector, PromptSummary, PromptVersion, SplitArm } from './prompt-records';

/** The label used when a caller names neither a version nor a label. */
export const DEFAULT_LABEL = 'production';

/** Names travel in URLs (`/v1/prompts/{name}/labels/{label}`), so they stay URL-safe. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const VERSION_FIELDS = `prompt, version, messages, model, parameters, variables, response_format AS "responseFormat", variants, author, note, created_at AS "createdAt"`;
const LABEL_FIELDS = `label, split, updated_at AS "updatedAt"`;

export interface ResolvedPrompt {
  version: PromptVersion;
  /** The label that chose the version; null when the caller named a version or none was labelled. */
  label: string | null;
}

/**
 * The only code that reads or writes `prompts`, `prompt_versions` and
 * `prompt_labels`. Every query is scoped by tenant: another tenant's prompt
 * reads as missing. Versions are inserted and never updated.
 */
export class PromptStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the prompt on its first save; every save adds the next version number. */
  async saveVersion(tenant: string, name: string, input: NewPromptVersion): Promise<PromptVersion> {
    checkName(name, 'name');
    checkVersion(input);
    return this.dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO prompts (tenant, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenant, name]);
      // Holding the prompt's row makes concurrent saves take numbers one after another; the primary key backs it up.
      await manager.query('SELECT 1 FROM prompts WHERE tenant = $1 AND name = $2 FOR UPDATE', [tenant, name]);
      const [row] = (await manager.query(
        `INSERT INTO prompt_versions (tenant, prompt, version, messages, model, parameters, variables, response_format, variants, author, note)
         SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10 FROM prompt_versions WHERE tenant = $1 AND prompt = $2
         RETURNING ${VERSION_FIELDS}`,
        [
          tenant,
          name,
          JSON.stringify(input.messages),
          input.model ?? null,
          JSON.stringify(input.parameters ?? {}),
          JSON.stringify(input.variables ?? {}),
          input.responseFormat == null ? null : JSON.stringify(input.responseFormat),
          JSON.stringify(input.variants ?? []),
          input.author ?? null,
          input.note ?? null,
        ],
      )) as PromptVersion[];
      return row as PromptVersion;
    });
  }

  async list(tenant: string): Promise<PromptSummary[]> {
    return (await this.dataSource.query(
      `SELECT p.name, p.created_at AS "createdAt", MAX(v.version) AS "latestVersion"
       FROM prompts p JOIN prompt_versions v ON v.tenant = p.tenant AND v.prompt = p.name
       WHERE p.tenant = $1 GROUP BY p.name, p.created_at ORDER BY p.name`,
      [tenant],
    )) as PromptSummary[];
  }

  /** The prompt with every version (oldest first) and every label; undefined when this tenant has no such prompt. */
  async get(tenant: string, name: string): Promise<PromptDetail | undefined> {
    const [prompt] = (await this.dataSource.query('SELECT name, created_at AS "createdAt" FROM prompts WHERE tenant = $1 AND name = $2', [tenant, name])) as {
      name: string;
      createdAt: Date;
    }[];
    if (prompt === undefined) return undefined;
    const versions = (await this.dataSource.query(`SELECT ${VERSION_FIELDS} FROM prompt_versions WHERE tenant = $1 AND prompt = $2 ORDER BY version`, [
      tenant,
      name,
    ])) as PromptVersion[];
    const labels = (await this.dataSource.query(`SELECT ${LABEL_FIELDS} FROM prompt_labels WHERE tenant = $1 AND prompt = $2 ORDER BY label`, [
      tenant,
      name,
    ])) as PromptLabel[];
    return { ...prompt, versions, labels };
  }

  async version(tenant: string, name: string, version: number): Promise<PromptVersion | undefined> {
    const [row] = (await this.dataSource.query(`SELECT ${VERSION_FIELDS} FROM prompt_versions WHERE tenant = $1 AND prompt = $2 AND version = $3`, [
      tenant,
      name,
      version,
    ])) as PromptVersion[];
    return row;
  }

  /** Points a label at one version or at a weighted split of versions. Moving a label never makes a version. */
  async setLabel(tenant: string, name: string, label: string, target: number | SplitArm[]): Promise<PromptLabel> {
    checkName(label, 'label');
    const split = typeof target === 'number' ? [{ version: target, weight: 100 }] : target.map(({ version, weight }) => ({ version, weight }));
    validateSplit(split);
    const existing = (await this.dataSource.query('SELECT version FROM prompt_versions WHERE tenant = $1 AND prompt = $2 AND version = ANY($3::int[])', [
      tenant,
      name,
      split.map((arm) => arm.version),
    ])) as { version: number }[];
    const found = new Set(existing.map((row) => row.version));
    if (existing.length === 0 && !(await this.exists(tenant, name))) throw promptNotFound(name);
    const absent = split.findIndex((arm) => !found.has(arm.version));
    if (absent >= 0) {
      const param = typeof target === 'number' ? 'version' : `split[${absent}].version`;
      throw new InvalidRequestError(`Prompt '${name}' has no version ${split[absent]?.version}.`, { param });
    }
    const [row] = (await this.dataSource.query(
      `INSERT INTO prompt_labels (tenant, prompt, label, split) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant, prompt, label) DO UPDATE SET split = EXCLUDED.split, updated_at = now()
       RETURNING ${LABEL_FIELDS}`,
      [tenant, name, label, JSON.stringify(split)],
    )) as PromptLabel[];
    return row as PromptLabel;
  }

  /**
   * The version a request uses: the one named; else the label's (a split
   * assigned by `stickinessKey`, so one caller keeps one version); else the
   * `production` label's; else the latest version.
   */
  async resolve(tenant: string, name: string, selector: PromptSelector, stickinessKey: string): Promise<ResolvedPrompt> {
    if (selector.version !== undefined) {
      const version = await this.version(tenant, name, selector.version);
      if (version === undefined) throw new NotFoundError(`Prompt '${name}' has no version ${selector.version}.`);
      return { version, label: null };
    }
    const labelName = selector.label ?? DEFAULT_LABEL;
    const [label] = (await this.dataSource.query('SELECT split FROM prompt_labels WHERE tenant = $1 AND prompt = $2 AND label = $3', [
      tenant,
      name,
      labelName,
    ])) as { split: SplitArm[] }[];
    if (label !== undefined) {
      const arm = assignSplitArm(label.split, stickinessKey, name);
      const version = await this.version(tenant, name, arm.version);
      if (version === undefined) throw promptNotFound(name);
      return { version, label: labelName };
    }
    if (selector.label !== undefined) throw new NotFoundError(`Prompt '${name}' has no label '${selector.label}'.`);
    const [latest] = (await this.dataSource.query(
      `SELECT ${VERSION_FIELDS} FROM prompt_versions WHERE tenant = $1 AND prompt = $2 ORDER BY version DESC LIMIT 1`,
      [tenant, name],
    )) as PromptVersion[];
    if (latest === undefined) throw promptNotFound(name);
    return { version: latest, label: null };
  }

  private async exists(tenant: string, name: string): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT 1 FROM prompts WHERE tenant = $1 AND name = $2', [tenant, name])) as unknown[];
    return rows.length > 0;
  }
}

const promptNotFound = (name: string) => new NotFoundError(`No prompt named '${name}'.`);

function checkName(value: string, param: string): void {
  if (!NAME_PATTERN.test(value)) {
    throw new InvalidRequestError(`${param} must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.`, { param });
  }
}

/** Rejects at save what could never render, so a broken version is never stored. */
function checkVersion(input: NewPromptVersion): void {
  if (input.messages.length === 0) throw new InvalidRequestError('A prompt version needs at least one message.', { param: 'messages' });
  for (const [index, message] of input.messages.entries()) checkTemplate(message.content, `messages[${index}].content`);
  checkVariablesSchema(input.variables ?? {});
  for (const [v, variant] of (input.variants ?? []).entries()) {
    for (const [index, message] of (variant.messages ?? []).entries()) checkTemplate(message.content, `variants[${v}].messages[${index}].content`);
  }
}
