import type { Warehouse } from '../../core/warehouse.ts';
import { assessCredit, type AssessRequest } from '../../scoring/credit-assess.ts';

export async function creditAssessment(wh: Warehouse, body: AssessRequest, baseCurrency: string) {
  return assessCredit(wh, body, baseCurrency);
}
