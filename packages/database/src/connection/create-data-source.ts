import { DataSource } from 'typeorm';
import { FileEntity } from '../files/file.entity';
import { MIGRATIONS } from '../migrations/index';
import { LlmRequestEntity } from '../usage/llm-request.entity';

export function createDataSource(databaseUrl: string, options: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: [LlmRequestEntity, FileEntity],
    migrations: MIGRATIONS,
    migrationsTableName: 'switchyard_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: options.poolSize ?? 5,
  });
}
