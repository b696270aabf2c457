/**
 * The one error path. A client mistake gets 4xx with the field paths that failed; anything else is
 * logged with its detail and answered with a generic 500, so internals never leak to callers.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ArIntelError } from '../../core/errors.ts';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  fields?: { path: string; message: string }[];
}

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'request';
    const fields = err.validation.map((v) => ({
      path: [where, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return reply.code(400).send({
      statusCode: 400,
      code: 'VALIDATION',
      message: `invalid ${where}: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`,
      fields,
    } satisfies ErrorBody);
  }
  if (err instanceof ArIntelError && err.statusCode < 500) {
    const body: ErrorBody = { statusCode: err.statusCode, code: err.code, message: err.message };
    if (err.location.field) body.fields = [{ path: err.location.field, message: err.message }];
    return reply.code(err.statusCode).send(body);
  }
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status < 500) {
    return reply.code(status).send({ statusCode: status, code: err.code ?? 'BAD_REQUEST', message: err.message } satisfies ErrorBody);
  }
  req.log.error({ err }, 'unhandled error');
  return reply.code(500).send({ statusCode: 500, code: 'INTERNAL', message: 'internal error; the server log has the details' } satisfies ErrorBody);
}
