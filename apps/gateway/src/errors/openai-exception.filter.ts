import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import { ErrorCode, SwitchyardError } from '@switchyard/contracts';
import type { UsageSink } from '@switchyard/database';
import type { Logger } from '@switchyard/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordRefusal } from '../request/record-refusal';
import { LOGGER, USAGE } from '../tokens';
import { frameworkErrorToSwitchyard } from './fastify-error-to-switchyard';
import { sendHttpError } from './send-http-error';

/** Every exception a handler throws leaves as an OpenAI-style error; unexpected ones are logged. */
@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(USAGE) private readonly usage: UsageSink,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    const error = frameworkErrorToSwitchyard(exception);
    if (!SwitchyardError.isInstance(error)) this.logger.error({ err: exception }, 'unhandled error');
    // A body over the size limit is refused before any handler could write the request's row.
    if (SwitchyardError.isInstance(error) && error.code === ErrorCode.PayloadTooLarge) {
      recordRefusal(this.usage, host.switchToHttp().getRequest<FastifyRequest>(), reply, error);
    }
    sendHttpError(reply, error);
  }
}
