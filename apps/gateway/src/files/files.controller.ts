import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { type DeletedFile, type FileList, type FileListQuery, type FileObject, fileListQuerySchema } from '@switchyard/contracts';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { QueryPipe } from '../validation/query.pipe';
import { FilesService } from './files.service';

/** OpenAI's Files API, for batch input: uploads are multipart/form-data, everything else JSON. */
@Controller('v1/files')
@UseGuards(ApiKeyGuard)
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post()
  @HttpCode(200)
  upload(@Req() request: AuthenticatedRequest): Promise<FileObject> {
    return this.files.upload(request, request.caller);
  }

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query(new QueryPipe(fileListQuerySchema)) query: FileListQuery): Promise<FileList> {
    return this.files.list(request.caller, query);
  }

  @Get(':id')
  get(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<FileObject> {
    return this.files.get(id, request.caller);
  }

  @Get(':id/content')
  async content(@Req() request: AuthenticatedRequest, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const { contentType, content } = await this.files.content(id, request.caller);
    reply.header('content-type', contentType).send(content);
  }

  @Delete(':id')
  @HttpCode(200)
  delete(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<DeletedFile> {
    return this.files.delete(id, request.caller);
  }
}
