/**
 * The API as a Fastify plugin factory: tests build it and call `inject`, `server.ts` only listens.
 * Each resource registers itself from routes/; routes ask repositories, never write SQL.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../core/config.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { errorHandler } from './plugins/error-handler.ts';
import { installAuth } from './plugins/auth.ts';
import { installDataVersion } from './plugins/data-version.ts';
import { installReadCache } from './plugins/read-cache.ts';
import { arrowNegotiation } from './plugins/arrow.ts';
import { dashboards } from './plugins/dashboards.ts';
import { routes } from './routes/index.ts';

export interface AppDeps {
  readonly warehouse: Warehouse;
  readonly config: Config;
}

declare module 'fastify' {
  interface FastifyInstance {
    warehouse: Warehouse;
    config: Config;
  }
}

export type App = FastifyInstance;

export async function buildApp(deps: AppDeps, options: FastifyServerOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? { level: deps.config.logLevel },
    bodyLimit: 1024 * 1024,
    ...options,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('warehouse', deps.warehouse);
  app.decorate('config', deps.config);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ statusCode: 404, code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });

  installDataVersion(app);
  await installAuth(app);
  installReadCache(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ar-intel API',
        description: 'Open AR, aging, DSO, risk scores, cash forecasts and collector worklists. Money is returned as decimal strings.',
        version: '1.0.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(arrowNegotiation);
  await app.register(routes);
  await app.register(dashboards);
  return app;
}
