import type { PipeTransform } from '@nestjs/common';
import { parseParameters } from '@switchyard/contracts';
import type { z } from 'zod';

/** `@Query(new QueryPipe(schema))`: the handler gets the query parsed; a bad one is a 400 naming its parameter. */
export class QueryPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly schema: z.ZodType<T>) {}

  transform(query: unknown): T {
    return parseParameters(this.schema, query);
  }
}
