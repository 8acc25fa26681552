import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { type Feedback, type FeedbackCreateRequest, feedbackCreateSchema } from '@switchyard/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { BodyPipe } from '../validation/body.pipe';
import { PromptResultsService } from './prompt-results.service';

/** `POST /v1/feedback`: how a request turned out, in the caller's words, for its prompt version's stats. */
@Controller('v1/feedback')
@UseGuards(ApiKeyGuard)
export class FeedbackController {
  constructor(private readonly results: PromptResultsService) {}

  @Post()
  @HttpCode(201)
  create(
    @Req() request: AuthenticatedRequest,
    @Body(new BodyPipe(feedbackCreateSchema, { jsonObject: true })) input: FeedbackCreateRequest,
  ): Promise<Feedback> {
    return this.results.recordFeedback(request.caller, input);
  }
}
