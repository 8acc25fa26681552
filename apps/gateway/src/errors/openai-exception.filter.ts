import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import { SwitchyardError } from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import type { FastifyReply } from 'fastify';
import { LOGGER } from '../tokens';
import { frameworkErrorToSwitchyard } from './fastify-error-to-switchyard';
import { sendHttpError } from './send-http-error';

/** Every exception a handler throws leaves as an OpenAI-style error; unexpected ones are logged. */
@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    const error = frameworkErrorToSwitchyard(exception);
    if (!SwitchyardError.isInstance(error)) this.logger.error({ err: exception }, 'unhandled error');
    sendHttpError(reply, error);
  }
}
