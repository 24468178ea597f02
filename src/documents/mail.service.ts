import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
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

/** Sends mail over SMTP (SMTP_URL); without SMTP_URL sending is switched off and `enabled` is false. */
@Injectable()
export class MailService implements OnModuleDestroy {
  private readonly transport: Transporter | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
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
