import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isoDate } from '../../core/as-of.ts';
import { ArIntelError } from '../../core/errors.ts';
import { configFrom, parseOptions, withWarehouse } from '../context.ts';
import { latestWorklistDate, readWorklist } from '../../api/repositories/worklists.ts';
import { loadStrategy } from '../../scoring/strategy.ts';
import { renderDunning } from '../../scoring/dunning.ts';

const Options = z.object({
  collector: z.string().min(1).optional(),
  team: z.boolean().optional(),
  date: isoDate.optional(),
  json: z.boolean().optional(),
  dunning: z.string().min(1).optional(),
});

export function registerWorklist(program: Command): void {
  program
    .command('worklist')
    .description("print a collector's ranked worklist (built by `ar-intel run`) and optionally write dunning letters")
    .option('--collector <id>', 'collector id')
    .option('--team', 'the team queue instead of a collector')
    .option('--date <date>', 'worklist date YYYY-MM-DD (default: the latest built)')
    .option('--json', 'print JSON instead of a table')
    .option('--dunning <dir>', 'write a reminder/final-notice letter per listed customer into DIR (nothing is sent)')
    .action(async (raw: unknown, cmd: Command) => {
      const o = parseOptions(Options, raw);
      if (!o.collector && !o.team) throw new ArIntelError('VALIDATION', 'give --collector ID or --team', { field: 'collector' });
      const config = configFrom(cmd);
      await withWarehouse(config, async (wh) => {
        const date = o.date ?? (await latestWorklistDate(wh));
        if (!date) throw new ArIntelError('NO_DATA', 'no worklist has been built yet: run `ar-intel run` first');
        if (o.collector && !(await wh.one('select 1 as ok from collectors where collector_id = $1', [o.collector]))) {
          throw new ArIntelError('NOT_FOUND', `unknown collector "${o.collector}"`, { field: 'collector' }, 404);
        }
        const list = await readWorklist(wh, date, { queue: o.team ? 'team' : 'collector', collectorId: o.team ? undefined : o.collector, date, page: 1, pageSize: 100_000 });
        if (list.total === 0) {
          const built = await wh.one('select 1 as ok from worklist_items where as_of = $1::date limit 1', [date]);
          if (!built) throw new ArIntelError('NO_DATA', `no worklist was built for ${date}: run \`ar-intel run --as-of ${date}\``, { field: 'date' });
        }
        if (o.json) {
          console.log(JSON.stringify({ date, ...list }, null, 2));
        } else {
          console.log(`${o.team ? 'team queue' : `collector ${o.collector}`} — ${date} — strategy ${list.strategyVersion ?? '-'} — ${list.total} customers`);
          for (const i of list.items) {
            console.log(`${String(i.rank).padStart(3)}. ${i.customerId} ${i.name ?? ''}  at risk ${i.totalAtRisk} ${i.currency}  → ${i.action} (${i.channel})`);
            for (const r of i.reasons) console.log(`       · ${r}`);
          }
        }
        if (o.dunning) {
          const strategy = loadStrategy(config.strategyPath);
          mkdirSync(o.dunning, { recursive: true });
          let n = 0;
          for (const i of list.items.filter((x) => x.channel === 'email' || x.channel === 'letter')) {
            const letter = renderDunning({ customerName: i.name ?? i.customerId, contactName: i.contact.name, step: i.step, channel: i.channel, items: i.items.filter((x) => x.status === 'actionable') }, strategy, date);
            writeFileSync(join(o.dunning, `${date}-${i.customerId}-${i.channel}.txt`), letter.body);
            n += 1;
          }
          console.log(`wrote ${n} dunning ${n === 1 ? 'letter' : 'letters'} to ${o.dunning}`);
        }
      });
    });
}
