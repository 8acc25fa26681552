import type { DataSource, Repository } from 'typeorm';
import type { LlmRequestRecord } from './llm-request-record';
import { LlmRequestEntity } from './llm-request.entity';

/** The only code that reads or writes `llm_requests`. */
export class UsageRepository {
  private readonly repository: Repository<LlmRequestRecord>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(LlmRequestEntity);
  }

  /** One multi-row INSERT; a job already recorded (a stalled job run twice) is skipped. */
  async insertMany(records: readonly LlmRequestRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.repository
      .createQueryBuilder()
      .insert()
      .values(records as LlmRequestRecord[])
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  findByJobId(jobId: string): Promise<LlmRequestRecord | null> {
    return this.repository.findOneBy({ jobId });
  }

  findByRequestId(requestId: string): Promise<LlmRequestRecord[]> {
    return this.repository.find({ where: { requestId }, order: { createdAt: 'ASC' } });
  }
}
