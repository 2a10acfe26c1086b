// Parses request parts with zod and turns failures into ValidationError naming the field.
import type { z } from 'zod';
import { zodToApiError } from '../../protocol/protocol';
import { ValidationError } from '../errors/errors';

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const e = zodToApiError(r.error, prefix);
    throw new ValidationError(e.message, e.field ? { field: e.field } : {});
  }
  return r.data;
}
