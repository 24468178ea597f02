import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ManualEntriesService } from './manual-entries.service';

export class ListManualEntriesQuery {
  @ApiPropertyOptional({ enum: ['submitted', 'posted', 'rejected'] })
  @IsOptional()
  @IsIn(['submitted', 'posted', 'rejected'])
  status?: 'submitted' | 'posted' | 'rejected';
}

export class ApproveManualEntryDto {
  @ApiPropertyOptional({ example: 'Đã kiểm tra hóa đơn', maxLength: 400 })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  note?: string;
}

export class RejectManualEntryDto {
  @ApiProperty({ example: 'Thiếu chứng từ gốc', maxLength: 400 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(400)
  reason: string;
}

/** Manual entries waiting for an approver: POST /api/journal-entries answers 202 with their requestId. */
@ApiTags('journal')
@ApiBearerAuth()
@Controller('api/manual-entry-requests')
export class ManualEntriesController {
  constructor(private readonly requests: ManualEntriesService) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: ListManualEntriesQuery) {
    return this.requests.list(actor, q.status);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe('manual entry request')) id: number) {
    return this.requests.get(actor, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('approver', 'admin')
  approve(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('manual entry request')) id: number,
    @Body() dto: ApproveManualEntryDto,
  ) {
    return this.requests.approve(actor, id, dto.note ?? null);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('approver', 'admin')
  reject(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe('manual entry request')) id: number,
    @Body() dto: RejectManualEntryDto,
  ) {
    return this.requests.reject(actor, id, dto.reason.trim());
  }
}
