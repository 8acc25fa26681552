import { Inject, Injectable } from '@nestjs/common';
import { type CallerIdentity, type Feedback, type FeedbackCreateRequest, NotFoundError, type PromptStats, type PromptStatsQuery } from '@switchyard/contracts';
import { type DataSource, FeedbackRepository, PromptStatsQueries } from '@switchyard/database';
import { PromptStore, summarizePromptStats } from '@switchyard/prompts';
import { DATABASE } from '../tokens';

/** What became of a prompt's requests: feedback callers send, and each version's stats. */
@Injectable()
export class PromptResultsService {
  private readonly feedback: FeedbackRepository;
  private readonly stats: PromptStatsQueries;
  private readonly prompts: PromptStore;

  constructor(@Inject(DATABASE) database: DataSource) {
    this.feedback = new FeedbackRepository(database);
    this.stats = new PromptStatsQueries(database);
    this.prompts = new PromptStore(database);
  }

  /** Stored under the caller's tenant whatever the id names: it only ever counts with that tenant's requests. */
  async recordFeedback(caller: CallerIdentity, input: FeedbackCreateRequest): Promise<Feedback> {
    const row = await this.feedback.insert({
      tenant: caller.tenant,
      keyId: caller.keyId,
      requestId: input.request_id,
      score: input.score ?? null,
      label: input.label ?? null,
      comment: input.comment ?? null,
    });
    return { object: 'feedback', ...row };
  }

  /** 404 unless the tenant has the prompt or has sent requests rendered from it (rows may outlive a deleted prompt). */
  async promptStats(tenant: string, name: string, query: PromptStatsQuery): Promise<PromptStats> {
    const missing = new NotFoundError(`No prompt named '${name}'.`);
    // PostgreSQL text cannot hold NUL: no prompt is named so.
    if (name.includes('\u0000')) throw missing;
    const totals = await this.stats.versions(tenant, name, query, query.label);
    if (totals.length === 0 && (await this.prompts.get(tenant, name)) === undefined && !(await this.stats.hasRequests(tenant, name))) throw missing;
    return {
      object: 'prompt.stats',
      name,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      label: query.label,
      ...summarizePromptStats(totals),
    };
  }
}
