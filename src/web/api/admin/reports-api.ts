import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../app/services.js';
import type { CookiePolicy } from '../../cookies.js';
import { requireOperator } from '../../admin/console-access.js';
import { parseBody } from '../validate.js';
import { SsprError } from '../../../errors/sspr-error.js';
import { AuditorReports, REPORT_PAGE, isReportId, type ReportId } from '../../../reports/auditor-reports.js';
import { csvLine } from '../../../reports/csv.js';

/** `?page=&days=&format=` of a report, for the page and the API. */
export const reportQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  days: z.coerce.number().int().min(1).max(3660).default(30),
  format: z.enum(['html', 'json', 'csv']).optional(),
});

export function reportIdOf(value: string): ReportId {
  if (!isReportId(value)) throw new SsprError('not-found');
  return value;
}

/** Streams a report as CSV (header of column ids, then every row; cells safe from spreadsheet formulas). */
export function sendReportCsv(reply: FastifyReply, reports: AuditorReports, id: ReportId, days: number) {
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(reports.columnsOf(id));
    for await (const row of reports.allRows(id, days)) yield csvLine(row);
  }
  return reply
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="sspr-${id}.csv"`)
    .type('text/csv; charset=utf-8')
    .send(Readable.from(lines()));
}

/**
 * `GET /api/v1/admin/reports/{coverage|resets|refusals|never-registered|admins}[?page=&days=&format=csv]`
 * (need `read`): one page of rows as JSON (`columns`, `rows`, `total`, `page`, `pageSize`), or every row as CSV.
 */
export async function reportsApi(app: FastifyInstance, services: Services, policy: CookiePolicy): Promise<void> {
  const reports = new AuditorReports(services);
  app.get<{ Params: { id: string } }>('/api/v1/admin/reports/:id', {
    config: { doc: { summary: 'An auditor report (coverage, resets, refusals, never-registered, admins): one page of rows as JSON, or every row as CSV', tag: 'admin', access: 'operator', query: reportQuery, errors: ['admin-only', 'admin-token-scope', 'not-found'] } },
  }, async (request, reply) => {
    await requireOperator(services, policy, request, 'read');
    const id = reportIdOf(request.params.id);
    const { page, days, format } = parseBody(reportQuery, request.query ?? {});
    if (format === 'csv') return sendReportCsv(reply, reports, id, days);
    const table = await reports.table(id, { page, days });
    return reply.header('cache-control', 'no-store').send({ report: id, ...table, page, pageSize: REPORT_PAGE, days });
  });
}
