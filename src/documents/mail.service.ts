import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type * as NodemailerShared from 'nodemailer/lib/shared';
import { TEMPLATES_DIR } from '../common/paths';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

const templates = new Map<string, { subject: string; body: string }>();

/** A mail template from templates/mail/: the first line is the subject, the rest the body; {{name}} placeholders. */
export function renderMailTemplate(
  name: string,
  values: Record<string, string>,
): { subject: string; text: string } {
  let template = templates.get(name);
  if (!template) {
    const [subject, ...body] = fs
      .readFileSync(path.join(TEMPLATES_DIR, 'mail', `${name}.txt`), 'utf8')
      .split('\n');
    template = { subject, body: body.join('\n').replace(/^\n+/, '') };
    templates.set(name, template);
  }
  const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => values[key] ?? '');
  return { subject: fill(template.subject), text: fill(template.body) };
}

/** SMTP_TIMEOUT_MS when unset: how long to wait for the connection, and then for the server's greeting. */
export const DEFAULT_SMTP_TIMEOUT_MS = 10_000;

/**
 * Sends mail over SMTP (SMTP_URL); without SMTP_URL sending is switched off and `enabled` is false. A server that
 * does not answer fails the send after SMTP_TIMEOUT_MS (connection, then greeting), and one that stops answering
 * in the middle after six times that, so a request never hangs on the mail server.
 */
@Injectable()
export class MailService implements OnModuleDestroy {
  private readonly transport: Transporter | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const timeout = config.smtpTimeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS;
    this.transport = config.smtpUrl ? smtpTransport(config.smtpUrl, timeout) : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  /** Resolves with the server's message id; rejects with the server's reason. */
  async send(mail: OutgoingMail): Promise<string> {
    if (!this.transport) throw new Error('e-mail is disabled: set SMTP_URL');
    const info = (await this.transport.sendMail({ from: this.config.mailFrom, ...mail })) as {
      messageId: string;
    };
    return info.messageId;
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

/** nodemailer is loaded only when mail is switched on (SMTP_URL): a server without it never holds it in memory. */
function smtpTransport(url: string, timeout: number): Transporter {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
  const nodemailer = require('nodemailer') as typeof Nodemailer;
  // nodemailer's own reading of smtp:// and smtps:// URLs (host, port, secure, auth, query options).
  const { parseConnectionUrl } = require('nodemailer/lib/shared') as typeof NodemailerShared;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return nodemailer.createTransport({
    // nodemailer ignores every other option when given `url`, so the URL is read here and merged; a timeout
    // written in the URL's query (…?greetingTimeout=5000) still wins.
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 6,
    ...parseConnectionUrl(url),
  });
}
