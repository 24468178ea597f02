import {
  Body,
  Controller,
  Get,
  Logger,
  OnModuleDestroy,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import { assertUnscoped, type Actor } from '../common/actor';
import { IgnoresIdempotencyKey, Public } from '../common/decorators';
import { ForbiddenError, NotFoundError } from '../common/errors';
import { EXPORT_FORMATS, type ExportFormat, type ExportPlan } from '../exports/export.types';
import { FORMATS } from '../exports/formats';
import { AdminErrorsFilter } from './admin-errors.filter';
import { addError, emptyErrors, hasErrors, parseDateInput, serviceError, showDate, text } from './forms';
import { tFor } from './i18n';
import { AdminServices } from './services';
import { AdminRequest, AdminViews, langOf, requireActor } from './views';

/** What the auditor asks for: one journal format, or the audit bundle (all of them and a manifest). */
export type ExportKind = ExportFormat | 'bundle';
const KINDS: readonly ExportKind[] = [...EXPORT_FORMATS, 'bundle'];

interface ExportJob {
  id: string;
  owner: string;
  kind: ExportKind;
  fileName: string;
  contentType: string;
  /** The file being written, then served; deleted when the job is forgotten. */
  file: string;
  entriesDone: number;
  entriesTotal: number;
  state: 'running' | 'done' | 'failed';
  messages: string[];
  parameters: { fund: string | null; from: string | null; to: string };
  startedAt: number;
  finishedAt: number | null;
  bytes: number;
}

/** A finished job and its file are kept this long for the download. */
const JOB_TTL_MS = 3_600_000;
/** Exports one user may have running at once: each holds a database snapshot and a temporary file. */
const MAX_RUNNING_PER_USER = 2;
/** Jobs kept in memory in all (finished ones are dropped oldest first past this). */
const MAX_JOBS = 200;

/** The auditor's and the admin's, like GET /api/exports/bundle and the audit page. */
function requireAuditor(req: AdminRequest): Actor {
  const actor = requireActor(req);
  if (actor.role !== 'auditor' && actor.role !== 'admin')
    throw new ForbiddenError(`role ${actor.role} may not read the audit trail`);
  assertUnscoped(actor, 'read the whole audit trail');
  return actor;
}

/**
 * The auditor exports as a job: the file is written on the server into a temporary file while the page polls its
 * progress (entries written of the snapshot's total, htmx every second; a plain page reload without script), and
 * is downloaded once whole. The export itself is ExportsService's, exactly what GET /api/exports/* streams.
 */
@ApiExcludeController()
@Public()
@Controller('admin/audit/exports')
@UseFilters(AdminErrorsFilter)
export class AdminExportsController implements OnModuleDestroy {
  private readonly logger = new Logger('AdminExports');
  private readonly jobs = new Map<string, ExportJob>();

  constructor(
    private readonly views: AdminViews,
    private readonly services: AdminServices,
  ) {}

  onModuleDestroy(): void {
    for (const job of this.jobs.values()) rmSync(job.file, { force: true });
    this.jobs.clear();
  }

  @Get()
  async form(@Req() req: AdminRequest, @Res() res: Response) {
    requireAuditor(req);
    const { selected } = await this.views.fundChoice(req);
    await this.renderForm(req, res, { fund: selected ?? '', from: '', to: '', kind: 'csv' });
  }

  /** Starts an export job and shows its progress page. */
  @Post()
  @IgnoresIdempotencyKey()
  async start(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const actor = requireAuditor(req);
    const t = tFor(langOf(req));
    const form = {
      fund: text(body, 'fund').slice(0, 32),
      from: text(body, 'from').slice(0, 20),
      to: text(body, 'to').slice(0, 20),
      kind: text(body, 'kind'),
    };
    const errors = emptyErrors();
    const kind = KINDS.find((k) => k === form.kind);
    if (!kind) addError(errors, 'kind', t('exports.badKind'));
    const date = (name: 'from' | 'to') => {
      if (!form[name]) return null;
      const iso = parseDateInput(form[name]);
      if (!iso) addError(errors, name, t('forms.badDate'));
      return iso;
    };
    const parameters = { fund: form.fund || null, from: date('from'), to: date('to'), consolidated: false };
    const running = [...this.jobs.values()].filter(
      (j) => j.owner === actor.username && j.state === 'running',
    );
    if (running.length >= MAX_RUNNING_PER_USER) addError(errors, null, t('exports.tooMany'));
    if (hasErrors(errors) || !kind) return this.renderForm(req, res, form, errors, 400);

    let plan: ExportPlan;
    try {
      plan = await this.services.exports.plan(
        actor,
        parameters,
        kind === 'bundle' ? 'bundle' : `journal (${kind})`,
      );
    } catch (error) {
      const known = serviceError(error);
      if (!known || known.status >= 500) throw error;
      for (const message of known.messages) {
        const field = /^(fund|from|to)\b/.exec(message)?.[1] ?? null;
        addError(errors, field, message);
      }
      return this.renderForm(req, res, form, errors, known.status);
    }
    const job = this.startJob(actor, kind, plan);
    res.redirect(303, `/admin/audit/exports/${job.id}`);
  }

  /** The job's progress: the whole page, or (htmx polling) its status fragment. */
  @Get(':job')
  async status(@Req() req: AdminRequest, @Res() res: Response, @Param('job') id: string) {
    const job = this.ownJob(req, id);
    const model = this.jobModel(job);
    if (req.headers['hx-request']) return this.views.fragment(req, res, 'export-status', model);
    await this.views.page(req, res, 'export-job', model, {
      title: tFor(langOf(req))('exports.jobTitle'),
    });
  }

  /** The finished file. */
  @Get(':job/file')
  async download(@Req() req: AdminRequest, @Res() res: Response, @Param('job') id: string) {
    const job = this.ownJob(req, id);
    if (job.state !== 'done') throw new NotFoundError(`export ${id} has no file yet`);
    res.setHeader('Content-Type', job.contentType);
    res.setHeader('Content-Length', String(job.bytes));
    res.setHeader('Content-Disposition', `attachment; filename="${job.fileName}"`);
    createReadStream(job.file).pipe(res);
    await finished(res).catch(() => undefined);
  }

  private ownJob(req: AdminRequest, id: string): ExportJob {
    const actor = requireAuditor(req);
    this.forgetOldJobs();
    const job = this.jobs.get(id);
    if (!job || job.owner !== actor.username) throw new NotFoundError(`export ${id} does not exist`);
    return job;
  }

  private startJob(actor: Actor, kind: ExportKind, plan: ExportPlan): ExportJob {
    this.forgetOldJobs();
    const id = randomUUID();
    const spec = kind === 'bundle' ? null : FORMATS[kind];
    const job: ExportJob = {
      id,
      owner: actor.username,
      kind,
      fileName:
        kind === 'bundle'
          ? this.services.exports.fileName(plan, 'audit-bundle', 'zip')
          : this.services.exports.fileName(
              plan,
              'journal',
              (spec as (typeof FORMATS)[ExportFormat]).extension,
            ),
      contentType: spec ? spec.contentType : 'application/zip',
      file: path.join(tmpdir(), `admin-export-${id}`),
      entriesDone: 0,
      entriesTotal: plan.entryCount,
      state: 'running',
      messages: [],
      parameters: { fund: plan.parameters.fund, from: plan.from, to: plan.to },
      startedAt: Date.now(),
      finishedAt: null,
      bytes: 0,
    };
    this.jobs.set(id, job);
    const out = createWriteStream(job.file);
    const onProgress = (done: number) => {
      job.entriesDone = done;
    };
    const run =
      kind === 'bundle'
        ? this.services.exports.writeBundle(plan, out, onProgress)
        : this.services.exports.writeJournal(plan, kind, out, onProgress);
    void run
      .then(async () => {
        if (!out.writableFinished) await finished(out);
        job.bytes = statSync(job.file).size;
        job.entriesDone = job.entriesTotal;
        job.state = 'done';
      })
      .catch((error: unknown) => {
        job.state = 'failed';
        job.messages = serviceError(error)?.messages ?? ['internal error; no file was kept'];
        rmSync(job.file, { force: true });
        const err = error instanceof Error ? error : new Error(String(error));
        this.logger.error({ export: id, err: { name: err.name, message: err.message, stack: err.stack } });
      })
      .finally(() => {
        job.finishedAt = Date.now();
      });
    return job;
  }

  private jobModel(job: ExportJob) {
    const percent =
      job.state === 'done'
        ? 100
        : Math.min(99, Math.floor((job.entriesDone / Math.max(1, job.entriesTotal)) * 100));
    return {
      job,
      percent,
      running: job.state === 'running',
      done: job.state === 'done',
      failed: job.state === 'failed',
      kindName: job.kind === 'bundle' ? 'bundle' : job.kind,
      isBundle: job.kind === 'bundle',
      range: {
        fund: job.parameters.fund ?? '',
        from: job.parameters.from ? showDate(job.parameters.from) : '',
        to: showDate(job.parameters.to),
      },
      sizeKb: Math.max(1, Math.round(job.bytes / 1024)),
    };
  }

  private async renderForm(
    req: AdminRequest,
    res: Response,
    form: { fund: string; from: string; to: string; kind: string },
    errors?: ReturnType<typeof emptyErrors>,
    status = 200,
  ) {
    const t = tFor(langOf(req));
    const actor = requireAuditor(req);
    const mine = [...this.jobs.values()]
      .filter((j) => j.owner === actor.username)
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, 10)
      .map((j) => this.jobModel(j));
    await this.views.page(
      req,
      res,
      'exports',
      {
        form,
        kinds: KINDS.map((k) => ({ value: k, label: t(`exports.kinds.${k}`), selected: k === form.kind })),
        jobs: mine,
      },
      { title: t('exports.title'), errors: errors && hasErrors(errors) ? errors : undefined, status },
    );
  }

  private forgetOldJobs(): void {
    const now = Date.now();
    const finished = [...this.jobs.values()]
      .filter((j) => j.state !== 'running')
      .sort((a, b) => a.startedAt - b.startedAt);
    for (const job of finished) {
      const old = job.finishedAt !== null && now - job.finishedAt > JOB_TTL_MS;
      if (old || this.jobs.size > MAX_JOBS) {
        rmSync(job.file, { force: true });
        this.jobs.delete(job.id);
      }
    }
  }
}
