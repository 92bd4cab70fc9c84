import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { SampleConfig } from '../config/sample-config';
import { InjectSampleConfig } from '../config/sample-config.module';
import type { Database as Db } from 'better-sqlite3';
import { SampleDatabase, timestamp } from '../database/sample-database';
import type { CreateReportDto, Report } from './report.dto';
import { BooksNotClosed, ReportNotFound } from './report.errors';

interface ReportRow {
  id: string;
  type: Report['type'];
  year: number;
  content: string;
  created_at: string;
}

/** Reports in SQLite, made slowly (REPORT_DELAY_MS) the way a real report would be. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly database: SampleDatabase,
    @InjectSampleConfig() private readonly config: SampleConfig,
  ) {}

  /**
   * The job behind `POST /api/reports`: waits, checks the books, summarizes, stores. Stored once
   * per `id`: a second run of the same job gives back the report the first one stored.
   */
  async generate(
    dto: CreateReportDto,
    signal?: AbortSignal,
    id: string = randomUUID(),
  ): Promise<Report> {
    await sleep(this.config.reportDelayMs, undefined, { signal });
    const thisYear = new Date().getUTCFullYear();
    if (dto.year > thisYear || (dto.type === 'annual' && dto.year === thisYear)) {
      throw new BooksNotClosed(dto.type, dto.year);
    }
    const report: Report = {
      id,
      type: dto.type,
      year: dto.year,
      createdAt: timestamp(),
      summary: await this.database.read(summary),
    };
    await this.database.write((db) =>
      db
        .prepare(
          'INSERT INTO reports (id, type, year, content, created_at) VALUES (?, ?, ?, ?, ?) ' +
            'ON CONFLICT (id) DO NOTHING',
        )
        .run(report.id, report.type, report.year, JSON.stringify(report.summary), report.createdAt),
    );
    return this.find(id);
  }

  async find(id: string): Promise<Report> {
    const row = await this.database.read(
      (db) =>
        db
          .prepare('SELECT id, type, year, content, created_at FROM reports WHERE id = ?')
          .get(id) as ReportRow | undefined,
    );
    if (!row) throw new ReportNotFound(id);
    return {
      id: row.id,
      type: row.type,
      year: row.year,
      createdAt: row.created_at,
      summary: JSON.parse(row.content) as Report['summary'],
    };
  }
}

/** What the books hold now: users, documents, orders by status. */
function summary(db: Db): Report['summary'] {
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const orders = db
    .prepare('SELECT status, COUNT(*) AS n FROM orders GROUP BY status ORDER BY status')
    .all() as { status: string; n: number }[];
  return {
    users: count('SELECT COUNT(*) AS n FROM users'),
    documents: count('SELECT COUNT(*) AS n FROM documents'),
    orders: Object.fromEntries(orders.map((o) => [o.status, o.n])),
  };
}
