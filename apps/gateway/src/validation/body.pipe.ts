import type { PipeTransform } from '@nestjs/common';
import { parseBody, parseJsonObjectBody } from '@switchyard/contracts';
import type { z } from 'zod';

/**
 * `@Body(new BodyPipe(schema))`: the handler gets the body parsed; a bad one
 * is a 400 naming the field at fault. With `jsonObject`, a missing body or one
 * that is not an object is refused as such first.
 */
export class BodyPipe<T> implements PipeTransform<unknown, T> {
  constructor(
    private readonly schema: z.ZodType<T>,
    private readonly options: { jsonObject?: boolean } = {},
  ) {}

  transform(body: unknown): T {
    return this.options.jsonObject === true ? parseJsonObjectBody(this.schema, body) : parseBody(this.schema, body);
  }
}
