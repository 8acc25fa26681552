import { Controller, Get, Param, Query, Req, UseGuards } from '@nestjs/common';
import { type PromptStats, type PromptStatsQuery, promptStatsQuerySchema } from '@switchyard/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { QueryPipe } from '../validation/query.pipe';
import { PromptResultsService } from './prompt-results.service';

/** `GET /v1/prompts/{name}/stats`: a prompt's versions side by side over a time range, scoped to the caller's tenant. */
@Controller('v1/prompts')
@UseGuards(ApiKeyGuard)
export class PromptStatsController {
  constructor(private readonly results: PromptResultsService) {}

  @Get(':name/stats')
  stats(
    @Req() request: AuthenticatedRequest,
    @Param('name') name: string,
    @Query(new QueryPipe(promptStatsQuerySchema)) query: PromptStatsQuery,
  ): Promise<PromptStats> {
    return this.results.promptStats(request.caller.tenant, name, query);
  }
}
