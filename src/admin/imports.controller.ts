import {
  Controller,
  Get,
  Param,
  Post,
  Req,
  Res,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { NotFoundError } from '../common/errors';
import { DATA_DIR } from '../common/paths';
import type { ImportReport } from '../imports/contribution-import.service';
import { ImportRejectedError, type BadRow, type ImportProgress } from '../imports/import-run';
import { MULTIPART_OPTIONS, UploadInterceptor, type UploadedDiskFile } from '../imports/upload';
import { AdminErrorsFilter } from './admin-errors.filter';
import { addError, emptyErrors, serviceError, text } from './forms';
import { tFor } from './i18n';
import { AdminSessionMiddleware } from './session.middleware';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, requireWriter } from './views';

interface ImportJob {
  id: string;
  owner: string;
  fileName: string;
  progress: ImportProgress | null;
  done: boolean;
  report: ImportReport | null;
  badRows: BadRow[];
  messages: string[];
  startedAt: number;
}

const JOB_TTL_MS = 3_600_000;
const SAMPLES: Record<string, string> = {
  'contributions-sample.csv': path.join(DATA_DIR, 'samples/contributions-sample.csv'),
  'beneficiaries-sample.csv': path.join(DATA_DIR, 'samples/beneficiaries-sample.csv'),
};

/** Imports through the import kit: upload, a progress bar while it checks and writes, then the per-row report. */
@ApiExcludeController()
@Public()
@Controller('admin/imports')
@UseFilters(AdminErrorsFilter)
export class AdminImportsController {
  private readonly jobs = new Map<string, ImportJob>();

  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
    private readonly session: AdminSessionMiddleware,
  ) {}

  @Get()
  async form(@Req() req: AdminRequest, @Res() res: Response) {
    requireWriter(req);
    await this.views.page(
      req,
      res,
      'imports',
      { samples: Object.keys(SAMPLES) },
      { title: tFor(langOf(req))('imports.title') },
    );
  }

  @Get('samples/:name')
  sample(@Req() req: AdminRequest, @Res() res: Response, @Param('name') name: string) {
    requireWriter(req);
    const file = Object.hasOwn(SAMPLES, name) ? SAMPLES[name] : undefined;
    if (!file) throw new NotFoundError(`no sample ${name}`);
    res.download(file, name);
  }

  @Post()
  @IgnoresIdempotencyKey()
  @UseInterceptors(FileInterceptor('file', MULTIPART_OPTIONS), UploadInterceptor)
  async upload(
    @Req() req: AdminRequest,
    @Res() res: Response,
    @UploadedFile() file: UploadedDiskFile | undefined,
  ) {
    // The multipart body is parsed only now: its CSRF token is checked here, before anything is read or written.
    if (!this.session.csrf.validateRequest(req)) return this.session.refuse(req, res);
    const actor = requireWriter(req);
    const t = tFor(langOf(req));
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!file || file.size === 0) {
      const errors = emptyErrors();
      addError(errors, 'file', t('imports.noFile'));
      return this.views.page(
        req,
        res,
        'imports',
        { samples: Object.keys(SAMPLES) },
        { title: t('imports.title'), errors, status: 400 },
      );
    }
    // The upload interceptor deletes its temporary file when this answer is sent; the job keeps its own copy.
    const own = path.join(tmpdir(), `admin-import-${randomUUID()}`);
    copyFileSync(file.path, own);
    const job: ImportJob = {
      id: randomUUID(),
      owner: actor.username,
      fileName: file.originalname,
      progress: null,
      done: false,
      report: null,
      badRows: [],
      messages: [],
      startedAt: Date.now(),
    };
    this.forgetOldJobs();
    this.jobs.set(job.id, job);
    const partial = text(body, 'partial') === 'true';
    void this.services.imports
      .importContributions(
        actor,
        { path: own, name: file.originalname },
        { partial, onProgress: (p) => (job.progress = p) },
      )
      .then((report) => {
        job.report = report;
        job.badRows = report.badRows;
      })
      .catch((error: unknown) => {
        if (error instanceof ImportRejectedError) job.badRows = error.badRows;
        else job.messages = serviceError(error)?.messages ?? ['internal error; the import wrote nothing'];
      })
      .finally(() => {
        job.done = true;
        rmSync(own, { force: true });
      });
    res.redirect(303, `/admin/imports/${job.id}`);
  }

  @Get(':job')
  async status(@Req() req: AdminRequest, @Res() res: Response, @Param('job') id: string) {
    const actor = requireWriter(req);
    const job = this.jobs.get(id);
    if (!job || job.owner !== actor.username) throw new NotFoundError(`import ${id} does not exist`);
    const model = this.jobModel(job);
    if (req.headers['hx-request']) return this.views.fragment(req, res, 'import-status', model);
    await this.views.page(req, res, 'import', model, { title: tFor(langOf(req))('imports.title') });
  }

  private jobModel(job: ImportJob) {
    const p = job.progress;
    const percent = p
      ? Math.min(
          100,
          Math.round((p.bytesRead / Math.max(1, p.bytesTotal)) * (p.phase === 'validating' ? 50 : 100)),
        )
      : 0;
    const rejected = job.done && !job.report;
    return {
      job,
      percent: job.done ? 100 : p?.phase === 'validating' ? percent : Math.max(50, percent),
      phase: p?.phase ?? 'validating',
      rows: p?.rows ?? 0,
      rejected,
      report: job.report,
      badRows: job.badRows,
      messages: job.messages,
    };
  }

  private forgetOldJobs(): void {
    const now = Date.now();
    for (const [id, job] of this.jobs) if (job.done && now - job.startedAt > JOB_TTL_MS) this.jobs.delete(id);
  }
}
