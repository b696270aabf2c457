import type { FastifyPluginAsync } from 'fastify';
import { healthRoutes } from './health.ts';
import { loadRunRoutes } from './load-runs.ts';
import { dataQualityRoutes } from './data-quality.ts';
import { runRoutes } from './runs.ts';
import { sessionRoutes } from './session.ts';
import { worklistRoutes } from './worklists.ts';
import { customerRoutes } from './customers.ts';
import { collectorActionRoutes } from './collector-actions.ts';
import { cashApplicationRoutes } from './cash-application.ts';
import { scoreRoutes } from './scores.ts';
import { creditRoutes } from './credit.ts';
import { badDebtRoutes } from './bad-debt.ts';
import { metricsRoutes } from './metrics.ts';
import { disputeRoutes } from './disputes.ts';
import { promiseRoutes } from './promises.ts';
import { forecastRoutes } from './forecast.ts';

/** Every resource of the API, registered in one place so the route table is easy to audit. */
export const routes: FastifyPluginAsync = async (app) => {
  await app.register(healthRoutes);
  await app.register(loadRunRoutes, { prefix: '/api/v1' });
  await app.register(dataQualityRoutes, { prefix: '/api/v1' });
  await app.register(runRoutes, { prefix: '/api/v1' });
  await app.register(sessionRoutes, { prefix: '/api/v1' });
  await app.register(worklistRoutes, { prefix: '/api/v1' });
  await app.register(customerRoutes, { prefix: '/api/v1' });
  await app.register(collectorActionRoutes, { prefix: '/api/v1' });
  await app.register(cashApplicationRoutes, { prefix: '/api/v1' });
  await app.register(scoreRoutes, { prefix: '/api/v1' });
  await app.register(creditRoutes, { prefix: '/api/v1' });
  await app.register(badDebtRoutes, { prefix: '/api/v1' });
  await app.register(metricsRoutes, { prefix: '/api/v1' });
  await app.register(disputeRoutes, { prefix: '/api/v1' });
  await app.register(promiseRoutes, { prefix: '/api/v1' });
  await app.register(forecastRoutes, { prefix: '/api/v1' });
};
