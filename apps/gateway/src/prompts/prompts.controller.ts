import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import {
  type PromptCreateRequest,
  type PromptDetailObject,
  type PromptLabelObject,
  type PromptLabelSetRequest,
  type PromptList,
  type PromptRender,
  type PromptRenderRequest,
  type PromptVersionObject,
  promptCreateSchema,
  promptLabelSetSchema,
  promptRenderRequestSchema,
} from '@switchyard/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { BodyPipe } from '../validation/body.pipe';
import { PromptsService } from './prompts.service';

/** Versioned prompt templates of the caller's tenant, and the prompts folder's, shared by every tenant. */
@Controller('v1/prompts')
@UseGuards(ApiKeyGuard)
export class PromptsController {
  constructor(private readonly prompts: PromptsService) {}

  @Post()
  @HttpCode(201)
  create(
    @Req() request: AuthenticatedRequest,
    @Body(new BodyPipe(promptCreateSchema, { jsonObject: true })) body: PromptCreateRequest,
  ): Promise<PromptVersionObject> {
    return this.prompts.create(request.caller, body);
  }

  @Get()
  list(@Req() request: AuthenticatedRequest): Promise<PromptList> {
    return this.prompts.list(request.caller);
  }

  @Get(':name')
  get(@Req() request: AuthenticatedRequest, @Param('name') name: string): Promise<PromptDetailObject> {
    return this.prompts.get(request.caller, name);
  }

  @Get(':name/versions/:version')
  version(@Req() request: AuthenticatedRequest, @Param('name') name: string, @Param('version') version: string): Promise<PromptVersionObject> {
    return this.prompts.version(request.caller, name, version);
  }

  @Put(':name/labels/:label')
  setLabel(
    @Req() request: AuthenticatedRequest,
    @Param('name') name: string,
    @Param('label') label: string,
    @Body(new BodyPipe(promptLabelSetSchema, { jsonObject: true })) body: PromptLabelSetRequest,
  ): Promise<PromptLabelObject> {
    return this.prompts.setLabel(request.caller, name, label, body);
  }

  @Post(':name/render')
  @HttpCode(200)
  render(
    @Req() request: AuthenticatedRequest,
    @Param('name') name: string,
    @Body(new BodyPipe(promptRenderRequestSchema, { jsonObject: true })) body: PromptRenderRequest,
  ): Promise<PromptRender> {
    return this.prompts.render(request.caller, name, body);
  }
}
