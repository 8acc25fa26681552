import { ErrorCode, InvalidRequestError, NotFoundError, SwitchyardError } from '@switchyard/contracts';
import type { DataSource } from '@switchyard/database';
import { assignSplitArm } from '../splits/assign-split-arm';
import { validateSplit } from '../splits/validate-split';
import { checkPromptName, checkPromptVersion, isPromptName, isStorableVersion } from './check-prompt-version';
import type { NewPromptVersion, PromptDetail, PromptLabel, PromptSelector, PromptSummary, PromptVersion, SplitArm } from './prompt-records';
import { sameContent } from './same-content';

/** The label used when a caller names neither a version nor a label. */
export const DEFAULT_LABEL = 'production';

/**
 * The owner of the prompts folder's prompts. Tenant ids are lower-case
 * letters, digits, '-' and '_' (the admin API's rule; the routing file
 * refuses '@' too), so no tenant can ever be this scope.
 */
export const REPO_PROMPTS_SCOPE = '@repo';

const VERSION_FIELDS = `prompt, version, messages, model, parameters, variables, response_format AS "responseFormat", variants, author, note, created_at AS "createdAt"`;
const LABEL_FIELDS = `label, split, updated_at AS "updatedAt"`;

/** A DataSource or a transaction's EntityManager: both run SQL the same way. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface ResolvedPrompt {
  version: PromptVersion;
  /** The label that chose the version; null when the caller named a version or none was labelled. */
  label: string | null;
}

/** What loading one file of the prompts folder did. */
export interface RepoPromptSync {
  version: number;
  /** False when the file was as the latest version already: no version was added. */
  added: boolean;
}

/**
 * The only code that reads or writes `prompts`, `prompt_versions` and
 * `prompt_labels`. Every query is scoped by tenant: another tenant's prompt
 * reads as missing. A tenant also reads the prompts folder's prompts (stored
 * under `REPO_PROMPTS_SCOPE`), except where it has its own of the same name,
 * which takes precedence. Versions are inserted and never updated.
 */
export class PromptStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates the prompt on its first save; every save adds the next version
   * number and moves `labels` to it, in one transaction.
   */
  async saveVersion(tenant: string, name: string, input: NewPromptVersion, labels: readonly string[] = []): Promise<PromptVersion> {
    checkPromptName(name, 'name');
    for (const [index, label] of labels.entries()) checkPromptName(label, `labels[${index}]`);
    checkPromptVersion(input);
    if (tenant === REPO_PROMPTS_SCOPE) throw new Error('The prompts folder is written by syncRepoPrompt only.');
    return this.dataSource.transaction(async (manager) => {
      const version = await insertVersion(manager, tenant, name, input);
      for (const label of new Set(labels)) await upsertLabel(manager, tenant, name, label, [{ version: version.version, weight: 100 }]);
      return version;
    });
  }

  /** The tenant's prompts and the prompts folder's, by name; the tenant's own where a name is in both. */
  async list(tenant: string): Promise<PromptSummary[]> {
    const scopes = visibleScopes(tenant);
    const rows = (await this.dataSource.query(
      `SELECT p.tenant, p.name, p.created_at AS "createdAt", MAX(v.version) AS "latestVersion"
       FROM prompts p JOIN prompt_versions v ON v.tenant = p.tenant AND v.prompt = p.name
       WHERE p.tenant = ANY($1) GROUP BY p.tenant, p.name, p.created_at ORDER BY p.name`,
      [scopes],
    )) as (Omit<PromptSummary, 'labels' | 'source'> & { tenant: string })[];
    const labels = (await this.dataSource.query(`SELECT tenant, prompt, ${LABEL_FIELDS} FROM prompt_labels WHERE tenant = ANY($1) ORDER BY label`, [
      scopes,
    ])) as (PromptLabel & { tenant: string; prompt: string })[];
    const own = new Set(rows.filter((row) => row.tenant === tenant).map((row) => row.name));
    return rows
      .filter((row) => row.tenant === tenant || !own.has(row.name))
      .map(({ tenant: scope, ...row }) => ({
        ...row,
        labels: labels
          .filter((label) => label.tenant === scope && label.prompt === row.name)
          .map(({ label, split, updatedAt }) => ({ label, split, updatedAt })),
        source: scope === REPO_PROMPTS_SCOPE ? 'repo' : 'api',
      }));
  }

  /** The prompt with every version (oldest first) and every label; undefined when this tenant sees no such prompt. */
  async get(tenant: string, name: string): Promise<PromptDetail | undefined> {
    const scope = await this.scopeOf(tenant, name);
    if (scope === undefined) return undefined;
    const [prompt] = (await this.dataSource.query('SELECT name, created_at AS "createdAt" FROM prompts WHERE tenant = $1 AND name = $2', [scope, name])) as {
      name: string;
      createdAt: Date;
    }[];
    if (prompt === undefined) return undefined;
    const versions = (await this.dataSource.query(`SELECT ${VERSION_FIELDS} FROM prompt_versions WHERE tenant = $1 AND prompt = $2 ORDER BY version`, [
      scope,
      name,
    ])) as PromptVersion[];
    const labels = (await this.dataSource.query(`SELECT ${LABEL_FIELDS} FROM prompt_labels WHERE tenant = $1 AND prompt = $2 ORDER BY label`, [
      scope,
      name,
    ])) as PromptLabel[];
    return { ...prompt, source: scope === REPO_PROMPTS_SCOPE ? 'repo' : 'api', versions, labels };
  }

  async version(tenant: string, name: string, version: number): Promise<PromptVersion | undefined> {
    const scope = await this.scopeOf(tenant, name);
    return scope === undefined ? undefined : findVersion(this.dataSource, scope, name, version);
  }

  /**
   * Points a label of the tenant's own prompt at one version or at a weighted
   * split of versions. Moving a label never makes a version. A prompt of the
   * prompts folder is refused: its file says where its labels point.
   */
  async setLabel(tenant: string, name: string, label: string, target: number | SplitArm[]): Promise<PromptLabel> {
    checkPromptName(label, 'label');
    const split = typeof target === 'number' ? [{ version: target, weight: 100 }] : target.map(({ version, weight }) => ({ version, weight }));
    validateSplit(split);
    const scope = await this.scopeOf(tenant, name);
    if (scope === undefined) throw promptNotFound(name);
    if (scope !== tenant) throw readOnlyRepoPrompt(name);
    // A number past what the column holds names no version (and would make the query fail).
    const existing = (await this.dataSource.query('SELECT version FROM prompt_versions WHERE tenant = $1 AND prompt = $2 AND version = ANY($3::int[])', [
      tenant,
      name,
      split.map((arm) => arm.version).filter(isStorableVersion),
    ])) as { version: number }[];
    const found = new Set(existing.map((row) => row.version));
    const absent = split.findIndex((arm) => !found.has(arm.version));
    if (absent >= 0) {
      const param = typeof target === 'number' ? 'version' : `split[${absent}].version`;
      throw new InvalidRequestError(`Prompt '${name}' has no version ${split[absent]?.version}.`, { param });
    }
    return upsertLabel(this.dataSource, tenant, name, label, split);
  }

  /**
   * The version a request uses: the one named; else the label's (a split
   * assigned by `stickinessKey`, so one caller keeps one version); else the
   * `production` label's; else the latest version. The tenant's own prompt
   * of that name, else the prompts folder's.
   */
  async resolve(tenant: string, name: string, selector: PromptSelector, stickinessKey: string): Promise<ResolvedPrompt> {
    const scope = await this.scopeOf(tenant, name);
    if (scope === undefined) throw promptNotFound(name);
    if (selector.version !== undefined) {
      const version = await findVersion(this.dataSource, scope, name, selector.version);
      if (version === undefined) throw new NotFoundError(`Prompt '${name}' has no version ${selector.version}.`);
      return { version, label: null };
    }
    const labelName = selector.label ?? DEFAULT_LABEL;
    const [label] = !isPromptName(labelName)
      ? []
      : ((await this.dataSource.query('SELECT split FROM prompt_labels WHERE tenant = $1 AND prompt = $2 AND label = $3', [scope, name, labelName])) as {
          split: SplitArm[];
        }[]);
    if (label !== undefined) {
      const arm = assignSplitArm(label.split, stickinessKey, name);
      const version = await findVersion(this.dataSource, scope, name, arm.version);
      if (version === undefined) throw promptNotFound(name);
      return { version, label: labelName };
    }
    if (selector.label !== undefined) throw new NotFoundError(`Prompt '${name}' has no label '${selector.label}'.`);
    const [latest] = (await this.dataSource.query(
      `SELECT ${VERSION_FIELDS} FROM prompt_versions WHERE tenant = $1 AND prompt = $2 ORDER BY version DESC LIMIT 1`,
      [scope, name],
    )) as PromptVersion[];
    if (latest === undefined) throw promptNotFound(name);
    return { version: latest, label: null };
  }

  /**
   * Stores one file of the prompts folder: a version when its content differs
   * from the latest (none when the file is unchanged), with exactly `labels`
   * pointing at it. The prompt's row is held meanwhile, so gateways starting
   * together add a changed file once.
   */
  async syncRepoPrompt(name: string, input: NewPromptVersion, labels: readonly string[]): Promise<RepoPromptSync> {
    checkPromptName(name, 'name');
    for (const [index, label] of labels.entries()) checkPromptName(label, `labels[${index}]`);
    checkPromptVersion(input);
    return this.dataSource.transaction(async (manager) => {
      await lockPrompt(manager, REPO_PROMPTS_SCOPE, name);
      const [latest] = (await manager.query(`SELECT ${VERSION_FIELDS} FROM prompt_versions WHERE tenant = $1 AND prompt = $2 ORDER BY version DESC LIMIT 1`, [
        REPO_PROMPTS_SCOPE,
        name,
      ])) as PromptVersion[];
      const added = latest === undefined || !sameContent(latest, input);
      const version = added ? (await insertVersion(manager, REPO_PROMPTS_SCOPE, name, input, false)).version : latest.version;
      const current = (await manager.query('SELECT label, split FROM prompt_labels WHERE tenant = $1 AND prompt = $2', [REPO_PROMPTS_SCOPE, name])) as {
        label: string;
        split: SplitArm[];
      }[];
      const wanted = new Set(labels);
      const stale = current.filter((row) => !wanted.has(row.label)).map((row) => row.label);
      if (stale.length > 0) {
        await manager.query('DELETE FROM prompt_labels WHERE tenant = $1 AND prompt = $2 AND label = ANY($3)', [REPO_PROMPTS_SCOPE, name, stale]);
      }
      for (const label of wanted) {
        const held = current.find((row) => row.label === label);
        const pointsHere = held?.split.length === 1 && held.split[0]?.version === version;
        if (!pointsHere) await upsertLabel(manager, REPO_PROMPTS_SCOPE, name, label, [{ version, weight: 100 }]);
      }
      return { version, added };
    });
  }

  /**
   * Whose prompt `name` is for this tenant: its own, else the prompts folder's, else nobody's.
   * A name no prompt can have (one with NUL, which PostgreSQL text cannot even hold) is nobody's, without a query.
   */
  private async scopeOf(tenant: string, name: string): Promise<string | undefined> {
    if (!isPromptName(name)) return undefined;
    const rows = (await this.dataSource.query('SELECT tenant FROM prompts WHERE name = $1 AND tenant = ANY($2)', [name, visibleScopes(tenant)])) as {
      tenant: string;
    }[];
    if (rows.some((row) => row.tenant === tenant)) return tenant;
    return rows.length > 0 ? REPO_PROMPTS_SCOPE : undefined;
  }
}

const visibleScopes = (tenant: string) => (tenant === REPO_PROMPTS_SCOPE ? [tenant] : [tenant, REPO_PROMPTS_SCOPE]);

const promptNotFound = (name: string) => new NotFoundError(`No prompt named '${name}'.`);

const readOnlyRepoPrompt = (name: string) =>
  new SwitchyardError(
    ErrorCode.PermissionDenied,
    `The prompt '${name}' comes from the prompts folder and is shared by every tenant: change its file to change it, or POST /v1/prompts with this name to make your own, which takes precedence for your tenant.`,
    { param: 'name' },
  );

/** Creates the prompt's row if need be and holds it: concurrent writers of one prompt go one after another. */
async function lockPrompt(db: Queryable, tenant: string, name: string): Promise<void> {
  await db.query('INSERT INTO prompts (tenant, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenant, name]);
  await db.query('SELECT 1 FROM prompts WHERE tenant = $1 AND name = $2 FOR UPDATE', [tenant, name]);
}

/** Adds the next version; the primary key backs up the row lock against two saves taking one number. */
async function insertVersion(db: Queryable, tenant: string, name: string, input: NewPromptVersion, lock = true): Promise<PromptVersion> {
  if (lock) await lockPrompt(db, tenant, name);
  const [row] = (await db.query(
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
}

async function findVersion(db: Queryable, scope: string, name: string, version: number): Promise<PromptVersion | undefined> {
  if (!isStorableVersion(version)) return undefined;
  const [row] = (await db.query(`SELECT ${VERSION_FIELDS} FROM prompt_versions WHERE tenant = $1 AND prompt = $2 AND version = $3`, [
    scope,
    name,
    version,
  ])) as PromptVersion[];
  return row;
}

async function upsertLabel(db: Queryable, tenant: string, name: string, label: string, split: SplitArm[]): Promise<PromptLabel> {
  const [row] = (await db.query(
    `INSERT INTO prompt_labels (tenant, prompt, label, split) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant, prompt, label) DO UPDATE SET split = EXCLUDED.split, updated_at = now()
     RETURNING ${LABEL_FIELDS}`,
    [tenant, name, label, JSON.stringify(split)],
  )) as PromptLabel[];
  return row as PromptLabel;
}
