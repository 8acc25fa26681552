import { CreateLlmRequests1732300000000 } from './1732300000000-create-llm-requests';

/** Every migration, oldest first. Schema changes only ever happen through these. */
export const USAGE_MIGRATIONS = [CreateLlmRequests1732300000000];
