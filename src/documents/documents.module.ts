import { Module } from '@nestjs/common';
import { DocumentsService } from './documents.service';
import { MailService } from './mail.service';
import { NumberingService } from './numbering.service';

@Module({
  providers: [DocumentsService, NumberingService, MailService],
  exports: [DocumentsService, NumberingService, MailService],
})
export class DocumentsModule {}
