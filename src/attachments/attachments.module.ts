import { Module } from '@nestjs/common';
import { AttachmentsService } from './attachments.service';

/** Files kept with contributions and payouts (bank advices, payment orders, decisions). */
@Module({ providers: [AttachmentsService], exports: [AttachmentsService] })
export class AttachmentsModule {}
