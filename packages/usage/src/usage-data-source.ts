import { DataSource } from 'typeorm';
import { FileEntity } from './file.entity';
import { LlmRequestEntity } from './llm-request.entity';
import { USAGE_MIGRATIONS } from './migrations';

export function createUsageDataSource(databaseUrl: string, options: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: [LlmRequestEntity, FileEntity],
    migrations: USAGE_MIGRATIONS,
    migrationsTableName: 'switchyard_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: options.poolSize ?? 5,
  });
}
