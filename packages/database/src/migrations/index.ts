import { CreateLlmRequests1732300000000 } from './1732300000000-create-llm-requests';
import { RecordRejectedRequests1732400000000 } from './1732400000000-record-rejected-requests';
import { RecordRouteAttempts1732500000000 } from './1732500000000-record-route-attempts';
import { RecordStreams1732600000000 } from './1732600000000-record-streams';
import { CreateFiles1732700000000 } from './1732700000000-create-files';
import { CreateBatches1732800000000 } from './1732800000000-create-batches';
import { CreateTenantsAndKeys1732900000000 } from './1732900000000-create-tenants-and-keys';
import { MarkRoutingFileKeys1733000000000 } from './1733000000000-mark-routing-file-keys';
import { RecordBatchExpiry1733100000000 } from './1733100000000-record-batch-expiry';
import { CreatePrompts1733200000000 } from './1733200000000-create-prompts';
import { RecordPromptsAndStructuredOutput1733300000000 } from './1733300000000-record-prompts-and-structured-output';
import { CreateSessions1733400000000 } from './1733400000000-create-sessions';
import { CreateUsageRollups1733500000000 } from './1733500000000-create-usage-rollups';

/** Every migration, oldest first. Schema changes only ever happen through these. */
export const MIGRATIONS = [
  CreateLlmRequests1732300000000,
  RecordRejectedRequests1732400000000,
  RecordRouteAttempts1732500000000,
  RecordStreams1732600000000,
  CreateFiles1732700000000,
  CreateBatches1732800000000,
  CreateTenantsAndKeys1732900000000,
  MarkRoutingFileKeys1733000000000,
  RecordBatchExpiry1733100000000,
  CreatePrompts1733200000000,
  RecordPromptsAndStructuredOutput1733300000000,
  CreateSessions1733400000000,
  CreateUsageRollups1733500000000,
];
